import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { V1Job } from '@kubernetes/client-node';
import type { PlannerApp } from '../../../operator/api/generated.ts';
import { resourceTypes } from '../../../operator/api/resources.ts';
import { readAppLock } from '../../../operator/locks/app-lock.ts';
import { storedBackupIds } from '../support/backup-fixtures.ts';
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

describe('PlannerRestore across operator restarts', () => {
  let env: RestoreEnvironment;

  beforeAll(async () => {
    env = await startRestoreEnvironment('restore-restart');
    await seedTasks(env.database.url, 60);
    await takeBackup(env.database.url, join(env.agent.hostPathForClaim(env.namespace, backupClaim), 'ext'), 'base');
  }, 60_000);

  afterAll(async () => {
    await env?.stop();
  });

  it.each([
    { label: 'Pending', phase: 'Pending', safetyBackup: false, afterRestoreJob: false },
    { label: 'Quiescing', phase: 'Quiescing', safetyBackup: false, afterRestoreJob: false },
    { label: 'SafetyBackup', phase: 'SafetyBackup', safetyBackup: true, afterRestoreJob: false },
    { label: 'Restoring', phase: 'Restoring', safetyBackup: false, afterRestoreJob: false },
    // Resuming often ends within one reconcile, so waiting to observe it races the operator. The
    // restart comes instead once the restore Job has finished, which is the state Resuming starts from.
    { label: 'Restoring after its Job finished', phase: 'Restoring', safetyBackup: false, afterRestoreJob: true },
  ])(
    'carries on after a restart in $label',
    async ({ phase, safetyBackup, afterRestoreJob }) => {
      const { client, namespace } = env;
      const name = `restart-${phase.toLowerCase()}${afterRestoreJob ? '-done' : ''}`;
      await sql(env.database.url, 'DELETE FROM tasks WHERE id > 5');
      await createRestore(client, namespace, name, {
        appRef: { name: 'web' },
        source: { storage: { pvc: { claimName: backupClaim, path: 'ext' } }, backupId: 'base' },
        safetyBackup,
      });
      if (afterRestoreJob) {
        await eventually(
          `Job ${name}-restore finished`,
          () => client.find<V1Job>(resourceTypes.job, namespace, `${name}-restore`),
          (job) => (job?.status?.succeeded ?? 0) > 0,
        );
      } else {
        await waitForRestorePhase(client, namespace, name, [phase], 20_000);
      }
      await env.restartOperator();

      const done = await waitForRestorePhase(client, namespace, name, ['Succeeded', 'Failed']);
      expect(done.status?.message).toContain('Restore succeeded');
      expect(await countTasks(env.database.url)).toBe(60);
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
      const restoreJobs = await jobNames(`planner.bbcagents.io/restore=${name}`);
      expect(restoreJobs).toEqual([`${name}-restore`, `${name}-verify`]);

      const safetyJobs = await jobNames(`planner.bbcagents.io/backup=${name}-safety`);
      const safetyFolder = join(env.agent.hostPathForClaim(namespace, backupClaim), 'ext', namespace, `${name}-safety`);
      if (safetyBackup) {
        // The backup controller follows a successful backup Job with a `-prune` Job that applies retention.
        expect(safetyJobs.filter((job) => !job.endsWith('-prune'))).toHaveLength(1);
        expect(await storedBackupIds(safetyFolder)).toEqual([done.status?.safetyBackupId]);
      } else {
        expect(safetyJobs).toEqual([]);
        expect(done.status?.safetyBackupId).toBeUndefined();
      }
    },
    60_000,
  );

  async function jobNames(labelSelector: string): Promise<string[]> {
    const jobs = await env.client.list<V1Job>(resourceTypes.job, env.namespace, { labelSelector });
    return jobs.items.map((job) => job.metadata?.name ?? '').sort();
  }
});
