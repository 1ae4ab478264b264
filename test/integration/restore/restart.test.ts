import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { V1Job } from '@kubernetes/client-node';
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

  it.each(['Pending', 'Quiescing', 'Restoring'])(
    'carries on after a restart in %s',
    async (phase) => {
      const { client, namespace } = env;
      const name = `restart-${phase.toLowerCase()}`;
      await sql(env.database.url, 'DELETE FROM tasks WHERE id > 5');
      await createRestore(client, namespace, name, {
        appRef: { name: 'web' },
        source: { storage: { pvc: { claimName: backupClaim, path: 'ext' } }, backupId: 'base' },
        safetyBackup: false,
      });
      await waitForRestorePhase(client, namespace, name, [phase], 20_000);
      await env.restartOperator();

      const done = await waitForRestorePhase(client, namespace, name, ['Succeeded', 'Failed']);
      expect(done.status?.message).toContain('Restore succeeded');
      expect(await countTasks(env.database.url)).toBe(60);
      await eventually(
        'Deployment web back at 2 replicas',
        () => deploymentReplicas(client, namespace),
        (replicas) => replicas === 2,
      );
      const jobs = await client.list<V1Job>(resourceTypes.job, namespace);
      const names = jobs.items.map((job) => job.metadata?.name).filter((job) => job?.startsWith(`${name}-`));
      expect(names.sort()).toEqual([`${name}-restore`, `${name}-verify`]);
    },
    60_000,
  );
});
