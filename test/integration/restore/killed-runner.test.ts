import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { V1Pod } from '@kubernetes/client-node';
import pg from 'pg';
import type { PlannerApp } from '../../../operator/api/generated.ts';
import { resourceTypes } from '../../../operator/api/resources.ts';
import { readAppLock } from '../../../operator/locks/app-lock.ts';
import {
  backupClaim,
  createRestore,
  deploymentReplicas,
  eventually,
  seedTasks,
  sql,
  startRestoreEnvironment,
  takeBackup,
  waitForRestorePhase,
  type RestoreEnvironment,
} from '../support/restore-fixtures.ts';

/** Reads row counts, a digest of every task and a few sample rows, to compare before and after a restore. */
async function snapshotDatabase(url: string) {
  const [counts] = await sql<{ projects: string; tasks: string }>(
    url,
    'SELECT (SELECT count(*) FROM projects) AS projects, (SELECT count(*) FROM tasks) AS tasks',
  );
  const [digest] = await sql<{ md5: string }>(
    url,
    `SELECT md5(string_agg(t::text, ',' ORDER BY id)) AS md5 FROM tasks t`,
  );
  const sample = await sql(url, 'SELECT * FROM tasks WHERE id IN (1, 7, 25000, 50000, 50001, 99999) ORDER BY id');
  return { counts, digest: digest?.md5, sample };
}

/** Returns the host process id of a Job pod's runner, which the node agent reports as `planner-local://PID`. */
async function runnerPid(env: RestoreEnvironment, job: string): Promise<number> {
  const pod = await eventually(
    `a running pod of Job ${job}`,
    async () =>
      (await env.client.list<V1Pod>(resourceTypes.pod, env.namespace, { labelSelector: `job-name=${job}` })).items[0],
    (item) => item?.status?.containerStatuses?.[0]?.state?.running !== undefined,
  );
  const id = pod?.status?.containerStatuses?.[0]?.containerID ?? '';
  const pid = Number(id.replace('planner-local://', ''));
  expect(pid).toBeGreaterThan(0);
  return pid;
}

async function childPids(pid: number): Promise<number[]> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8');
  return text
    .trim()
    .split(/\s+/)
    .filter((item) => item !== '')
    .map(Number);
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('PlannerRestore with a killed runner', () => {
  let env: RestoreEnvironment;

  beforeAll(async () => {
    env = await startRestoreEnvironment('restore-kill');
    await seedTasks(env.database.url, 0);
    // md5 titles compress poorly, so the custom-format dump is far larger than a 64 KiB pipe buffer
    // and the runner is still streaming it when it is killed.
    await sql(
      env.database.url,
      `INSERT INTO tasks (project_id, title, status)
         SELECT 1 + g % 4, md5(g::text) || md5((g * 7)::text), 'todo' FROM generate_series(1, 100000) g`,
    );
    const folder = join(env.agent.hostPathForClaim(env.namespace, backupClaim), 'ext');
    const manifest = await takeBackup(env.database.url, folder, 'full');
    expect(manifest.size).toBeGreaterThan(1_000_000);
  }, 90_000);

  afterAll(async () => {
    await env?.stop();
  });

  it('leaves the database unchanged and resumes the app', async () => {
    const { client, namespace } = env;
    await sql(env.database.url, "DELETE FROM tasks WHERE id > 50000; UPDATE tasks SET status = 'done' WHERE id <= 10");
    const before = await snapshotDatabase(env.database.url);
    expect(before.counts).toEqual({ projects: '4', tasks: '50000' });

    // An open transaction that has read tasks makes pg_restore wait for a lock at its first DROP.
    // The runner is then caught midway, with the restore transaction open and most of the dump not yet sent.
    const holder = new pg.Client({ connectionString: env.database.url });
    await holder.connect();
    let pgRestorePid: number | undefined;
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT count(*) FROM tasks');

      await createRestore(client, namespace, 'killed', {
        appRef: { name: 'web' },
        source: { storage: { pvc: { claimName: backupClaim, path: 'ext' } }, backupId: 'full' },
        safetyBackup: false,
      });
      await eventually(
        'pg_restore waiting for the lock on tasks',
        () =>
          sql<{ pid: number }>(
            env.database.url,
            `SELECT pid FROM pg_stat_activity
               WHERE datname = current_database() AND application_name = 'planner-backup' AND wait_event_type = 'Lock'`,
          ),
        (rows) => rows.length === 1,
        60_000,
      );

      const runner = await runnerPid(env, 'killed-restore');
      const children = await childPids(runner);
      expect(children).toHaveLength(1);
      pgRestorePid = children[0];
      process.kill(runner, 'SIGKILL');
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    }

    const failed = await waitForRestorePhase(client, namespace, 'killed', ['Succeeded', 'Failed']);
    expect(failed.status?.phase).toBe('Failed');
    expect(failed.status?.message).toContain(
      'Restore failed: restore of backup full failed with exit code 137 (killed by SIGKILL',
    );
    expect(failed.status?.message).toContain('the database was left as it was before the restore');
    expect(failed.status?.message).toContain('app web is back at its previous replicas');
    const restored = failed.status?.conditions?.find((c) => c.type === 'DatabaseRestored');
    expect(restored).toMatchObject({ status: 'False', reason: 'JobFailed' });

    // The node agent does not isolate processes, so pg_restore outlives the killed runner. It then reads
    // the end of its truncated input, fails and rolls back. Compare only after it and its session are gone.
    await eventually(
      `pg_restore process ${pgRestorePid} to exit`,
      async () => pgRestorePid !== undefined && isProcessAlive(pgRestorePid),
      (alive) => !alive,
    );
    await eventually(
      'no planner-backup session left',
      () =>
        sql(
          env.database.url,
          `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'planner-backup'`,
        ),
      (rows) => rows.length === 0,
    );
    expect(await snapshotDatabase(env.database.url)).toEqual(before);

    await eventually(
      'Deployment web back at 2 replicas',
      () => deploymentReplicas(client, namespace),
      (replicas) => replicas === 2,
    );
    const app = await eventually(
      'PlannerApp web Active again',
      () => client.get<PlannerApp>(resourceTypes.plannerApp, namespace, 'web'),
      (item) => item.status?.phase === 'Active',
    );
    expect(app.metadata?.annotations?.['planner.bbcagents.io/quiesce']).toBeUndefined();
    expect(await readAppLock(client, namespace, 'web', new Date())).toBeUndefined();
  }, 120_000);
});
