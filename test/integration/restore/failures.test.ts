import { createHash } from 'node:crypto';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { PlannerApp } from '../../../operator/api/generated.ts';
import { resourceTypes } from '../../../operator/api/resources.ts';
import { acquireAppLock, readAppLock, releaseAppLock } from '../../../operator/locks/app-lock.ts';
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
import { expectEvents } from '../support/events.ts';

describe('PlannerRestore failures', () => {
  let env: RestoreEnvironment;
  let folder: string;

  beforeAll(async () => {
    env = await startRestoreEnvironment('restore-fail');
    await seedTasks(env.database.url, 80);
    folder = join(env.agent.hostPathForClaim(env.namespace, backupClaim), 'external');
  }, 60_000);

  afterAll(async () => {
    await env?.stop();
  });

  function restoreSpec(backupId: string) {
    return {
      appRef: { name: 'web' },
      source: { storage: { pvc: { claimName: backupClaim, path: 'external' } }, backupId },
      safetyBackup: false,
    };
  }

  it('refuses a corrupted dump and leaves the app running', async () => {
    const { client, namespace } = env;
    await takeBackup(env.database.url, folder, 'corrupt');
    await appendFile(join(folder, 'corrupt.dump'), 'garbage');
    await sql(env.database.url, 'DELETE FROM tasks WHERE id > 70');

    await createRestore(client, namespace, 'corrupt', restoreSpec('corrupt'));
    const failed = await waitForRestorePhase(client, namespace, 'corrupt', ['Succeeded', 'Failed']);
    expect(failed.status?.phase).toBe('Failed');
    expect(failed.status?.message).toContain('Restore failed: checksum mismatch for backup corrupt');
    const verified = failed.status?.conditions?.find((c) => c.type === 'BackupVerified');
    expect(verified).toMatchObject({ status: 'False', reason: 'ChecksumMismatch' });
    expect(failed.status?.savedReplicas).toBeUndefined();
    expect(await countTasks(env.database.url)).toBe(70);
    expect(await deploymentReplicas(client, namespace)).toBe(2);
    const app = await client.get<PlannerApp>(resourceTypes.plannerApp, namespace, 'web');
    expect(app.metadata?.annotations?.['planner.bbcagents.io/quiesce']).toBeUndefined();
    expect(await readAppLock(client, namespace, 'web', new Date())).toBeUndefined();
    await expectEvents(client, namespace, 'corrupt', [/: Restore failed: checksum mismatch for backup corrupt/]);
  }, 60_000);

  it('leaves the database as it was when the dump fails midway', async () => {
    const { client, namespace } = env;
    await takeBackup(env.database.url, folder, 'broken', 'plain');
    const dumpPath = join(folder, 'broken.sql');
    const dump = await readFile(dumpPath, 'utf8');
    const closing = dump.lastIndexOf('-- PostgreSQL database dump complete');
    expect(closing).toBeGreaterThan(0);
    const broken = `${dump.slice(0, closing)}SELECT planner_missing_function();\n\n${dump.slice(closing)}`;
    await writeFile(dumpPath, broken);
    const manifestPath = join(folder, 'broken.manifest.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as Record<string, unknown>;
    manifest.sha256 = createHash('sha256').update(broken).digest('hex');
    manifest.size = Buffer.byteLength(broken);
    await writeFile(manifestPath, JSON.stringify(manifest));
    await sql(env.database.url, 'DELETE FROM tasks WHERE id > 10');

    await createRestore(client, namespace, 'broken', restoreSpec('broken'));
    const failed = await waitForRestorePhase(client, namespace, 'broken', ['Succeeded', 'Failed']);
    expect(failed.status?.phase).toBe('Failed');
    const restored = failed.status?.conditions?.find((c) => c.type === 'DatabaseRestored');
    expect(restored).toMatchObject({ status: 'False', reason: 'RestoreFailed' });
    expect(failed.status?.message).toContain('the database was left as it was before the restore');
    expect(failed.status?.message).toContain('back at its previous replicas');
    expect(await countTasks(env.database.url)).toBe(10);
    await eventually(
      'Deployment web back at 2 replicas',
      () => deploymentReplicas(client, namespace),
      (replicas) => replicas === 2,
    );
    expect(await readAppLock(client, namespace, 'web', new Date())).toBeUndefined();
  }, 60_000);

  it('waits while a backup holds the app lock', async () => {
    const { client, namespace } = env;
    await takeBackup(env.database.url, folder, 'after-backup');
    const holder = 'backup/nightly/run-1';
    const lock = await acquireAppLock(client, { namespace, app: 'web', holder, durationSeconds: 120, now: new Date() });
    expect(lock.acquired).toBe(true);

    await createRestore(client, namespace, 'queued', restoreSpec('after-backup'));
    const waiting = await eventually(
      'restore queued waiting for the lock',
      () => readRestore(client, namespace, 'queued'),
      (restore) => restore.status?.conditions?.some((c) => c.reason === 'WaitingForLock') === true,
    );
    expect(waiting.status?.phase).toBe('Pending');
    expect(waiting.status?.message).toContain(`Waiting for ${holder} to finish`);
    expect(await deploymentReplicas(client, namespace)).toBe(2);

    await releaseAppLock(client, { namespace, app: 'web', holder });
    const done = await waitForRestorePhase(client, namespace, 'queued', ['Succeeded', 'Failed']);
    expect(done.status?.phase).toBe('Succeeded');
    expect(await countTasks(env.database.url)).toBe(10);
  }, 60_000);

  it('fails at once for a missing app', async () => {
    const { client, namespace } = env;
    await createRestore(client, namespace, 'no-app', { ...restoreSpec('corrupt'), appRef: { name: 'absent' } });
    const failed = await waitForRestorePhase(client, namespace, 'no-app', ['Failed', 'Succeeded']);
    expect(failed.status?.conditions?.find((c) => c.type === 'Failed')?.reason).toBe('AppNotFound');
    expect(failed.status?.message).toContain('PlannerApp absent not found');
  });
});
