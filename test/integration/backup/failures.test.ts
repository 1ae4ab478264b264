import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { V1Job, V1Pod } from '@kubernetes/client-node';
import pg from 'pg';
import type { PlannerBackup } from '../../../operator/api/generated.ts';
import { resourceTypes } from '../../../operator/api/resources.ts';
import { readAppLock } from '../../../operator/locks/app-lock.ts';
import { TestClock } from '../../../operator/runtime/clock.ts';
import {
  createBackup,
  eventually,
  listBackupJobs,
  readBackup,
  startBackupEnvironment,
  storedBackupIds,
  type BackupEnvironment,
} from '../support/backup-fixtures.ts';
import { expectEvents } from '../support/events.ts';

const finished = (backup: PlannerBackup) =>
  backup.status?.lastRun !== undefined && backup.status.activeRun === undefined;

describe('PlannerBackup runs that never finish', () => {
  const clock = new TestClock();
  let env: BackupEnvironment;
  /** Holds an exclusive lock on tasks, so the runner's pg_dump waits until the test ends it. */
  let blocker: pg.Client | undefined;

  beforeAll(async () => {
    env = await startBackupEnvironment('pbk-fail', clock);
  }, 60_000);

  afterAll(async () => {
    await env?.stop();
  });

  beforeEach(async () => {
    blocker = new pg.Client({ connectionString: env.database.url });
    await blocker.connect();
    await blocker.query('BEGIN; LOCK TABLE tasks IN ACCESS EXCLUSIVE MODE');
  }, 60_000);

  afterEach(async () => {
    await blocker?.query('ROLLBACK').catch(() => undefined);
    await blocker?.end();
    blocker = undefined;
  }, 60_000);

  /** Runs one query on a fresh connection, because statistics views read inside the blocker's transaction stay frozen. */
  async function queryOnce<T extends pg.QueryResultRow>(sql: string): Promise<pg.QueryResult<T>> {
    const connection = new pg.Client({ connectionString: env.database.url });
    await connection.connect();
    try {
      return await connection.query<T>(sql);
    } finally {
      await connection.end();
    }
  }

  /** Waits until the run of backup has a running pod whose database session waits on the table lock. */
  async function startBlockedRun(name: string, spec: Parameters<typeof createBackup>[3] = {}): Promise<string> {
    await createBackup(env.client, env.namespace, name, spec);
    const started = await eventually(
      `run of ${name} started`,
      () => readBackup(env.client, env.namespace, name),
      (b) => b.status?.activeRun?.jobName !== undefined,
    );
    const jobName = started.status?.activeRun?.jobName ?? '';
    await eventually(
      `pod of ${jobName} running`,
      async () =>
        (await env.client.list<V1Pod>(resourceTypes.pod, env.namespace, { labelSelector: `job-name=${jobName}` }))
          .items,
      (pods) => pods.some((pod) => pod.status?.phase === 'Running'),
    );
    await eventually(
      'runner waits on the table lock',
      async () =>
        (
          await queryOnce<{ waiting: string }>(
            `SELECT count(*) AS waiting FROM pg_stat_activity
              WHERE datname = current_database() AND wait_event_type = 'Lock'`,
          )
        ).rows[0]?.waiting,
      (waiting) => Number(waiting) > 0,
    );
    return jobName;
  }

  async function expectLockReleased(): Promise<void> {
    expect(await readAppLock(env.client, env.namespace, 'web', new Date())).toBeUndefined();
  }

  it('fails a run whose Job was deleted while it ran', async () => {
    const jobName = await startBlockedRun('vanished');
    // Past the grace period in which a missing Job is taken for one not yet created.
    clock.advance(61_000);
    await env.client.delete(resourceTypes.job, env.namespace, jobName, { propagationPolicy: 'Background' });

    const backup = await eventually(
      'vanished run recorded',
      () => readBackup(env.client, env.namespace, 'vanished'),
      finished,
    );
    expect(backup.status?.phase).toBe('Failed');
    expect(backup.status?.lastRun?.result).toBe('Failed');
    expect(backup.status?.lastRun?.jobName).toBe(jobName);
    expect(backup.status?.lastRun?.message).toBe(`Job ${jobName} disappeared before it finished`);
    expect(backup.status?.consecutiveFailures).toBe(1);
    expect(backup.status?.lastSuccessfulTime).toBeUndefined();
    expect(backup.status?.conditions?.find((c) => c.type === 'Running')).toMatchObject({ status: 'False' });
    expect(backup.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False' });
    await expectLockReleased();
    await expectEvents(env.client, env.namespace, 'vanished', ['RunFailed']);
    expect(await listBackupJobs(env.client, env.namespace, 'vanished')).toEqual([]);
    expect(await storedBackupIds(env.backupFolder('vanished'))).toEqual([]);
  }, 120_000);

  it('stops and fails a run still unfinished past its deadline', async () => {
    const jobName = await startBlockedRun('hung', { job: { activeDeadlineSeconds: 600 } });
    const job = await env.client.get<V1Job>(resourceTypes.job, env.namespace, jobName);
    expect(job.spec?.activeDeadlineSeconds).toBe(600);
    // Still inside the deadline and its grace, so the run stays active.
    clock.advance(600_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await readBackup(env.client, env.namespace, 'hung')).status?.activeRun?.jobName).toBe(jobName);

    // Past the deadline and its two minutes of grace. Each poll below moves the clock on, so the
    // controller's recheck timer fires without waiting for it in real time.
    clock.advance(121_000);
    const backup = await eventually(
      'hung run recorded',
      () => {
        clock.advance(5_000);
        return readBackup(env.client, env.namespace, 'hung');
      },
      finished,
    );
    expect(backup.status?.phase).toBe('Failed');
    expect(backup.status?.lastRun?.result).toBe('Failed');
    expect(backup.status?.lastRun?.jobName).toBe(jobName);
    expect(backup.status?.lastRun?.message).toMatch(/still running past its activeDeadlineSeconds and was stopped/);
    expect(backup.status?.consecutiveFailures).toBe(1);
    await expectLockReleased();
    await expectEvents(env.client, env.namespace, 'hung', ['RunFailed']);
    await eventually(
      'hung Job deleted',
      () => listBackupJobs(env.client, env.namespace, 'hung'),
      (jobs) => jobs.length === 0,
    );
    expect(await storedBackupIds(env.backupFolder('hung'))).toEqual([]);
  }, 120_000);
});
