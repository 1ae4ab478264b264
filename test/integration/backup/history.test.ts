import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runNowAnnotation } from '../../../operator/api/constants.ts';
import { resourceTypes } from '../../../operator/api/resources.ts';
import { keptRunJobs } from '../../../operator/controllers/backup/history.ts';
import {
  createBackup,
  eventually,
  listBackupJobs,
  readBackup,
  startBackupEnvironment,
  type BackupEnvironment,
} from '../support/backup-fixtures.ts';

describe('PlannerBackup Job history', () => {
  let env: BackupEnvironment;

  beforeAll(async () => {
    env = await startBackupEnvironment('pbk-hist');
  }, 60_000);

  afterAll(async () => {
    await env?.stop();
  });

  it('keeps the Jobs of the newest runs only', async () => {
    // A yearly schedule, so that only the run-now values below start runs.
    await createBackup(env.client, env.namespace, 'daily', { schedule: '0 0 1 1 *' });
    const runs: string[] = [];
    for (const value of ['one', 'two', 'three', 'four', 'five']) {
      await env.client.patch(resourceTypes.plannerBackup, env.namespace, 'daily', {
        metadata: { annotations: { [runNowAnnotation]: value } },
      });
      const backup = await eventually(
        `run ${value} recorded`,
        () => readBackup(env.client, env.namespace, 'daily'),
        (b) => b.status?.lastRunNowValue === value && b.status.activeRun === undefined,
        60_000,
      );
      expect(backup.status?.lastRun?.result).toBe('Succeeded');
      runs.push(backup.status?.lastRun?.jobName ?? '');
    }

    const newest = runs.slice(-keptRunJobs);
    const expected = newest.flatMap((run) => [run, `${run}-prune`]).sort();
    const jobs = await eventually(
      'older Jobs deleted',
      () => listBackupJobs(env.client, env.namespace, 'daily'),
      (names) => names.length === expected.length,
    );
    expect(jobs).toEqual(expected);
  }, 240_000);
});
