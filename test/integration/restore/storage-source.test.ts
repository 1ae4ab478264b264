import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { PlannerRestoreSpec } from '../../../operator/api/generated.ts';
import { readAppLock } from '../../../operator/locks/app-lock.ts';
import {
  backupClaim,
  countTasks,
  createRestore,
  deploymentReplicas,
  seedTasks,
  sql,
  startRestoreEnvironment,
  takeBackup,
  waitForRestorePhase,
  type RestoreEnvironment,
} from '../support/restore-fixtures.ts';

// Laid out as the folder of PlannerBackup `nightly` in namespace `other-team`: a backup taken outside this namespace.
const externalPath = 'shared/other-team/nightly';

function restoreSpec(backupId?: string): PlannerRestoreSpec {
  return {
    appRef: { name: 'web' },
    source: { storage: { pvc: { claimName: backupClaim, path: externalPath } }, ...(backupId ? { backupId } : {}) },
    safetyBackup: false,
  };
}

describe('PlannerRestore from a storage location', () => {
  let env: RestoreEnvironment;
  const manifests: Record<string, { sha256: string; size: number }> = {};

  beforeAll(async () => {
    env = await startRestoreEnvironment('restore-storage');
    const folder = join(env.agent.hostPathForClaim(env.namespace, backupClaim), externalPath);
    await seedTasks(env.database.url, 30);
    manifests.older = await takeBackup(env.database.url, folder, 'older');
    await sql(
      env.database.url,
      "INSERT INTO tasks (project_id, title, status) SELECT 1, 'Late ' || g, 'todo' FROM generate_series(1, 15) g",
    );
    manifests.newer = await takeBackup(env.database.url, folder, 'newer');
  }, 60_000);

  afterAll(async () => {
    await env?.stop();
  });

  it('restores the newest backup without backupId', async () => {
    const { client, namespace } = env;
    await sql(env.database.url, 'DELETE FROM tasks WHERE id > 3');

    await createRestore(client, namespace, 'newest', restoreSpec());
    const done = await waitForRestorePhase(client, namespace, 'newest', ['Succeeded', 'Failed']);
    expect(done.status?.message).toContain('Restore succeeded: backup newer restored');
    expect(done.status?.restoredBackup).toEqual({
      id: 'newer',
      location: `pvc://${backupClaim}/${externalPath}`,
      sha256: manifests.newer?.sha256,
      size: manifests.newer?.size,
    });
    expect(await countTasks(env.database.url)).toBe(45);
  }, 60_000);

  it('restores an older backup by id', async () => {
    const { client, namespace } = env;
    await createRestore(client, namespace, 'by-id', restoreSpec('older'));
    const done = await waitForRestorePhase(client, namespace, 'by-id', ['Succeeded', 'Failed']);
    expect(done.status?.message).toContain('Restore succeeded: backup older restored');
    expect(done.status?.restoredBackup?.sha256).toBe(manifests.older?.sha256);
    expect(await countTasks(env.database.url)).toBe(30);
  }, 60_000);

  it('fails for an id absent from storage', async () => {
    const { client, namespace } = env;
    await sql(env.database.url, 'DELETE FROM tasks WHERE id > 20');

    await createRestore(client, namespace, 'absent', restoreSpec('missing-id'));
    const failed = await waitForRestorePhase(client, namespace, 'absent', ['Succeeded', 'Failed']);
    expect(failed.status?.phase).toBe('Failed');
    expect(failed.status?.message).toContain('backup missing-id not found in storage');
    const verified = failed.status?.conditions?.find((c) => c.type === 'BackupVerified');
    expect(verified).toMatchObject({ status: 'False', reason: 'BackupNotFound' });
    expect(failed.status?.savedReplicas).toBeUndefined();
    expect(await countTasks(env.database.url)).toBe(20);
    expect(await deploymentReplicas(client, namespace)).toBe(2);
    expect(await readAppLock(client, namespace, 'web', new Date())).toBeUndefined();
  }, 60_000);
});
