import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { PlannerBackup } from '../../../operator/api/generated.ts';
import { resourceTypes } from '../../../operator/api/resources.ts';
import {
  backupClaim,
  countTasks,
  createRestore,
  seedTasks,
  sql,
  startRestoreEnvironment,
  takeBackup,
  waitForRestorePhase,
  type RestoreEnvironment,
} from '../support/restore-fixtures.ts';

describe('PlannerRestore safety backup', () => {
  let env: RestoreEnvironment;

  beforeAll(async () => {
    env = await startRestoreEnvironment('restore-safety');
    await seedTasks(env.database.url, 40);
    await takeBackup(env.database.url, join(env.agent.hostPathForClaim(env.namespace, backupClaim), 'ext'), 'old');
  }, 60_000);

  afterAll(async () => {
    await env?.stop();
  });

  it('takes a safety backup that undoes the restore', async () => {
    const { client, namespace } = env;
    await sql(env.database.url, "INSERT INTO tasks (project_id, title, status) VALUES (1, 'added later', 'todo')");
    expect(await countTasks(env.database.url)).toBe(41);

    await createRestore(client, namespace, 'oops', {
      appRef: { name: 'web' },
      source: { storage: { pvc: { claimName: backupClaim, path: 'ext' } }, backupId: 'old' },
    });
    const done = await waitForRestorePhase(client, namespace, 'oops', ['Succeeded', 'Failed'], 90_000);
    expect(done.status?.message).toContain('Restore succeeded');
    expect(done.status?.safetyBackupId).toBeDefined();
    expect(done.status?.conditions?.find((c) => c.type === 'SafetyBackupTaken')?.status).toBe('True');
    expect(await countTasks(env.database.url)).toBe(40);

    const safety = await client.get<PlannerBackup>(resourceTypes.plannerBackup, namespace, 'oops-safety');
    expect(safety.metadata?.annotations?.['planner.bbcagents.io/lock-holder']).toBe('restore/oops');
    expect(safety.spec.schedule).toBeUndefined();
    expect(safety.status?.lastRun?.backupId).toBe(done.status?.safetyBackupId);

    await createRestore(client, namespace, 'undo-oops', {
      appRef: { name: 'web' },
      source: { backupRef: { name: 'oops-safety' } },
      safetyBackup: false,
    });
    const undone = await waitForRestorePhase(client, namespace, 'undo-oops', ['Succeeded', 'Failed'], 60_000);
    expect(undone.status?.message).toContain('Restore succeeded');
    expect(undone.status?.restoredBackup?.id).toBe(done.status?.safetyBackupId);
    expect(await countTasks(env.database.url)).toBe(41);
  }, 150_000);
});
