import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { V1Job } from '@kubernetes/client-node';
import { quiesceAnnotation } from '../../../operator/api/constants.ts';
import type { PlannerBackup } from '../../../operator/api/generated.ts';
import { resourceTypes } from '../../../operator/api/resources.ts';
import { lockHolderAnnotation } from '../../../operator/controllers/backup/lock.ts';
import { acquireAppLock, readAppLock, releaseAppLock } from '../../../operator/locks/app-lock.ts';
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

describe('PlannerBackup lifecycle', () => {
  let env: BackupEnvironment;

  beforeAll(async () => {
    env = await startBackupEnvironment('pbk-life');
  });

  afterAll(async () => {
    await env?.stop();
  });

  it('records a run that finished while the operator was down', async () => {
    await createBackup(env.client, env.namespace, 'restart');
    const started = await eventually(
      'run started',
      () => readBackup(env.client, env.namespace, 'restart'),
      (b) => b.status?.activeRun !== undefined,
    );
    await env.stopOperator();
    const jobName = started.status?.activeRun?.jobName ?? '';
    expect((await readBackup(env.client, env.namespace, 'restart')).status?.lastRun).toBeUndefined();
    await eventually(
      'Job finished without the operator',
      () => env.client.get<V1Job>(resourceTypes.job, env.namespace, jobName),
      (job) => (job.status?.succeeded ?? 0) > 0,
    );

    await env.startOperator();
    const backup = await eventually(
      'run recorded after restart',
      () => readBackup(env.client, env.namespace, 'restart'),
      finished,
      60_000,
    );
    expect(backup.status?.lastRun?.result).toBe('Succeeded');
    expect(backup.status?.lastRun?.jobName).toBe(jobName);
    expect(await listBackupJobs(env.client, env.namespace, 'restart')).toEqual([jobName, `${jobName}-prune`]);
    expect(await storedBackupIds(env.backupFolder('restart'))).toEqual([jobName]);
  });

  it('exports run metrics', async () => {
    const labels = `namespace="${env.namespace}",backup="restart"`;
    // The gauges follow the status write that the previous test waited for, so they can trail it.
    const text = await eventually(
      'backup gauges exported',
      async () => (await fetch(`http://127.0.0.1:${env.operator.metricsPort}/metrics`)).text(),
      (body) => body.includes(`planner_backup_last_success_timestamp_seconds{${labels}}`),
      10_000,
    );
    expect(text).toMatch(new RegExp(`planner_backup_last_success_timestamp_seconds\\{${labels}\\} \\d{10}`));
    expect(text).toMatch(new RegExp(`planner_backup_last_size_bytes\\{${labels}\\} [1-9]\\d*`));
    expect(text).toMatch(new RegExp(`planner_backup_last_duration_seconds\\{${labels}\\} \\d`));
    expect(text).toContain(`planner_backup_consecutive_failures{${labels}} 0`);
  });

  it('waits while the app is restored and runs under the restore lock', async () => {
    const request = {
      holder: 'restore/undo',
      purpose: 'Restore',
      requestTime: new Date().toISOString(),
      savedReplicas: 1,
    };
    await env.client.patch(resourceTypes.plannerApp, env.namespace, 'web', {
      metadata: { annotations: { [quiesceAnnotation]: JSON.stringify(request) } },
    });
    const lock = { namespace: env.namespace, app: 'web', holder: 'restore/undo', durationSeconds: 600 };
    try {
      await createBackup(env.client, env.namespace, 'blocked');
      await eventually(
        'backup waits for the restore',
        () => readBackup(env.client, env.namespace, 'blocked'),
        (b) => (b.status?.conditions ?? []).some((c) => c.type === 'Running' && c.reason === 'AppRestoring'),
      );
      expect(await listBackupJobs(env.client, env.namespace, 'blocked')).toEqual([]);

      expect((await acquireAppLock(env.client, { ...lock, now: new Date() })).acquired).toBe(true);
      await createBackup(env.client, env.namespace, 'undo-safety', {}, { [lockHolderAnnotation]: 'restore/undo' });
      const safety = await eventually(
        'safety backup done',
        () => readBackup(env.client, env.namespace, 'undo-safety'),
        finished,
        60_000,
      );
      expect(safety.status?.phase).toBe('Succeeded');
      expect((await readAppLock(env.client, env.namespace, 'web', new Date()))?.holder).toBe('restore/undo');
      expect((await readBackup(env.client, env.namespace, 'blocked')).status?.lastRun).toBeUndefined();
    } finally {
      await releaseAppLock(env.client, lock);
      await env.client.patch(resourceTypes.plannerApp, env.namespace, 'web', {
        metadata: { annotations: { [quiesceAnnotation]: null } },
      });
    }
    const blocked = await eventually(
      'waiting backup runs after the restore',
      () => readBackup(env.client, env.namespace, 'blocked'),
      finished,
      60_000,
    );
    expect(blocked.status?.phase).toBe('Succeeded');
    await expectEvents(env.client, env.namespace, 'blocked', ['RunWaiting']);
  });

  it('deletes stored backups only with deletionPolicy Delete', async () => {
    await createBackup(env.client, env.namespace, 'purged', { deletionPolicy: 'Delete' });
    await eventually('purged done', () => readBackup(env.client, env.namespace, 'purged'), finished, 60_000);
    expect(await storedBackupIds(env.backupFolder('purged'))).toHaveLength(1);
    const retained = await storedBackupIds(env.backupFolder('restart'));

    await env.client.delete(resourceTypes.plannerBackup, env.namespace, 'purged');
    await env.client.delete(resourceTypes.plannerBackup, env.namespace, 'restart');
    await eventually(
      'both PlannerBackups gone',
      async () =>
        [
          await env.client.find(resourceTypes.plannerBackup, env.namespace, 'purged'),
          await env.client.find(resourceTypes.plannerBackup, env.namespace, 'restart'),
        ].filter(Boolean).length,
      (left) => left === 0,
      60_000,
    );
    expect(await storedBackupIds(env.backupFolder('purged'))).toEqual([]);
    expect(await storedBackupIds(env.backupFolder('restart'))).toEqual(retained);
  });
});
