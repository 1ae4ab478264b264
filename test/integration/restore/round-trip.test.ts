import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { V1Job, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import type { PlannerApp } from '../../../operator/api/generated.ts';
import { resourceTypes } from '../../../operator/api/resources.ts';
import {
  backupClaim,
  countTasks,
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
import { expectEvents } from '../support/events.ts';

describe('PlannerRestore round trip', () => {
  let env: RestoreEnvironment;

  beforeAll(async () => {
    env = await startRestoreEnvironment('restore-trip');
    await seedTasks(env.database.url, 120);
  }, 60_000);

  afterAll(async () => {
    await env?.stop();
  });

  it('restores deleted rows with the app scaled to zero meanwhile', async () => {
    const { client, namespace } = env;
    const folder = join(env.agent.hostPathForClaim(namespace, backupClaim), 'external');
    const manifest = await takeBackup(env.database.url, folder, 'web-before');
    await sql(env.database.url, 'DELETE FROM tasks WHERE id > 20');
    expect(await countTasks(env.database.url)).toBe(20);

    await createRestore(client, namespace, 'undo-delete', {
      appRef: { name: 'web' },
      source: { storage: { pvc: { claimName: backupClaim, path: 'external' } }, backupId: 'web-before' },
      safetyBackup: false,
    });

    const restoring = await eventually(
      'PlannerApp web in phase Restoring',
      () => client.get<PlannerApp>(resourceTypes.plannerApp, namespace, 'web'),
      (app) => app.status?.phase === 'Restoring',
    );
    expect(restoring.status?.quiesce?.holder).toBe('restore/undo-delete');
    expect(await deploymentReplicas(client, namespace)).toBe(0);
    const heldHpa = await client.get<V2HorizontalPodAutoscaler>(resourceTypes.hpa, namespace, 'web');
    expect(heldHpa.spec?.minReplicas).toBe(2);

    const done = await waitForRestorePhase(client, namespace, 'undo-delete', ['Succeeded', 'Failed']);
    expect(done.status?.message).toContain('Restore succeeded');
    expect(done.status?.phase).toBe('Succeeded');
    expect(await countTasks(env.database.url)).toBe(120);
    expect(done.status?.restoredBackup).toEqual({
      id: 'web-before',
      location: `pvc://${backupClaim}/external`,
      sha256: manifest.sha256,
      size: manifest.size,
    });
    expect(done.status?.savedReplicas).toBe(2);
    expect(done.status?.savedMinReplicas).toBe(2);
    expect(done.status?.savedMaxReplicas).toBe(4);
    expect(done.status?.startTime).toBeDefined();
    expect(done.status?.completionTime).toBeDefined();
    const conditions = Object.fromEntries((done.status?.conditions ?? []).map((c) => [c.type, c.status]));
    expect(conditions).toMatchObject({
      BackupVerified: 'True',
      AppQuiesced: 'True',
      DatabaseRestored: 'True',
      Complete: 'True',
      AppLocked: 'False',
    });

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

    await expectEvents(client, namespace, 'undo-delete', [
      /: App scaled to zero for restore/,
      /^RestoreSucceeded: Database restored from backup web-before/,
    ]);
    const jobs = await client.list<V1Job>(resourceTypes.job, namespace);
    const restoreJob = jobs.items.find((job) => job.metadata?.name === 'undo-delete-restore');
    const container = restoreJob?.spec?.template.spec?.containers[0];
    expect(container?.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(container?.env?.find((item) => item.name === 'DATABASE_URL')?.valueFrom?.secretKeyRef?.name).toBe('db');
    expect(jobs.items.map((job) => job.metadata?.name).sort()).toEqual(['undo-delete-restore', 'undo-delete-verify']);
  }, 90_000);

  it('rejects a spec change after the restore started', async () => {
    await expect(
      env.client.patch(resourceTypes.plannerRestore, env.namespace, 'undo-delete', { spec: { quiesce: false } }),
    ).rejects.toThrow(/spec is immutable/);
  });
});
