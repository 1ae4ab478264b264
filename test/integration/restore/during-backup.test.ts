import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { V1Job } from '@kubernetes/client-node';
import pg from 'pg';
import { resourceTypes } from '../../../operator/api/resources.ts';
import { readAppLock } from '../../../operator/locks/app-lock.ts';
import { createBackup, readBackup } from '../support/backup-fixtures.ts';
import {
  backupClaim,
  countTasks,
  createRestore,
  deploymentReplicas,
  eventually,
  readRestore,
  seedTasks,
  sql,
  startRestoreEnvironment,
  takeBackup,
  waitForRestorePhase,
  type RestoreEnvironment,
} from '../support/restore-fixtures.ts';

describe('PlannerRestore during a running backup', () => {
  let env: RestoreEnvironment;

  beforeAll(async () => {
    env = await startRestoreEnvironment('restore-busy');
    await seedTasks(env.database.url, 50);
    await takeBackup(env.database.url, join(env.agent.hostPathForClaim(env.namespace, backupClaim), 'ext'), 'base');
  }, 60_000);

  afterAll(async () => {
    await env?.stop();
  });

  it('waits until the backup finishes', async () => {
    const { client, namespace } = env;
    await sql(env.database.url, 'DELETE FROM tasks WHERE id > 8');

    // An exclusive lock on tasks keeps the backup runner waiting, because its row count and pg_dump both read
    // tasks. The backup run then holds the app's lock for as long as the test needs.
    const blocker = new pg.Client({ connectionString: env.database.url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE tasks IN ACCESS EXCLUSIVE MODE');
      await createBackup(client, namespace, 'adhoc', { storage: { pvc: { claimName: backupClaim, path: 'runs' } } });
      const lock = await eventually(
        'the backup run holding the lock of app web',
        async () => (await readAppLock(client, namespace, 'web', new Date())) ?? { holder: '' },
        (state) => state.holder.startsWith('backup/adhoc/'),
      );

      await createRestore(client, namespace, 'behind-backup', {
        appRef: { name: 'web' },
        source: { storage: { pvc: { claimName: backupClaim, path: 'ext' } }, backupId: 'base' },
        safetyBackup: false,
      });
      const waiting = await eventually(
        'restore behind-backup waiting for the lock',
        () => readRestore(client, namespace, 'behind-backup'),
        (restore) => restore.status?.conditions?.some((c) => c.reason === 'WaitingForLock') === true,
      );
      expect(waiting.status?.phase).toBe('Pending');
      expect(waiting.status?.message).toContain(`Waiting for ${lock.holder} to finish`);
      expect(await deploymentReplicas(client, namespace)).toBe(2);
      const jobs = await client.list<V1Job>(resourceTypes.job, namespace, {
        labelSelector: 'planner.bbcagents.io/restore=behind-backup',
      });
      expect(jobs.items).toEqual([]);
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      await blocker.end();
    }

    const done = await waitForRestorePhase(client, namespace, 'behind-backup', ['Succeeded', 'Failed']);
    expect(done.status?.message).toContain('Restore succeeded');
    expect(await countTasks(env.database.url)).toBe(50);
    const backup = await readBackup(client, namespace, 'adhoc');
    expect(backup.status?.lastRun?.result).toBe('Succeeded');
    // The backup ran to its end before the restore touched the database, so it contains the 8 rows left by the delete.
    const manifestPath = join(
      env.agent.hostPathForClaim(namespace, backupClaim),
      'runs',
      namespace,
      'adhoc',
      `${backup.status?.lastRun?.backupId}.manifest.json`,
    );
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { tables: { name: string; rows: number }[] };
    expect(manifest.tables.find((table) => table.name === 'tasks')?.rows).toBe(8);
    await eventually(
      'Deployment web back at 2 replicas',
      () => deploymentReplicas(client, namespace),
      (replicas) => replicas === 2,
    );
    expect(await readAppLock(client, namespace, 'web', new Date())).toBeUndefined();
  }, 90_000);
});
