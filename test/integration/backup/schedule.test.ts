import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runNowAnnotation } from '../../../operator/api/constants.ts';
import type { PlannerBackup } from '../../../operator/api/generated.ts';
import { resourceTypes } from '../../../operator/api/resources.ts';
import { acquireAppLock, releaseAppLock } from '../../../operator/locks/app-lock.ts';
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

const hour = 3_600_000;

/** The start of the hour after time, in UTC. */
function nextHour(time: Date): Date {
  return new Date(Math.floor(time.getTime() / hour) * hour + hour);
}

function stamp(time: Date): string {
  return time.toISOString().slice(0, 16).replace(/[-:T]/g, '');
}

describe('PlannerBackup schedules', () => {
  const clock = new TestClock();
  let env: BackupEnvironment;
  const read = () => readBackup(env.client, env.namespace, 'hourly');
  const idle = (backup: PlannerBackup) => backup.status?.activeRun === undefined;

  beforeAll(async () => {
    env = await startBackupEnvironment('pbk-cron', clock);
    await createBackup(env.client, env.namespace, 'hourly', {
      schedule: '0 * * * *',
      timeZone: 'Europe/London',
      retention: { keepLast: 2 },
    });
  });

  afterAll(async () => {
    await env?.stop();
  });

  it('waits for the first scheduled time', async () => {
    const due = nextHour(clock.now());
    const backup = await eventually('PlannerBackup hourly Scheduled', read, (b) => b.status?.phase === 'Scheduled');
    expect(Date.parse(backup.status?.nextScheduleTime ?? '')).toBe(due.getTime());
    expect(await listBackupJobs(env.client, env.namespace, 'hourly')).toEqual([]);
  });

  it('runs when the clock reaches the scheduled time', async () => {
    const due = nextHour(clock.now());
    clock.set(new Date(due.getTime() + 20_000));
    const backup = await eventually(
      'scheduled run recorded',
      read,
      (b) => b.status?.lastRun !== undefined && idle(b),
      60_000,
    );
    expect(backup.status?.lastRun?.result).toBe('Succeeded');
    expect(backup.status?.lastRun?.backupId).toBe(`hourly-${stamp(due)}`);
    expect(new Date(backup.status?.lastScheduleTime ?? '').getTime()).toBe(due.getTime());
    expect(await storedBackupIds(env.backupFolder('hourly'))).toEqual([`hourly-${stamp(due)}`]);
  });

  it('catches up once after missed runs while the operator was down', async () => {
    await env.stopOperator();
    clock.advance(5 * hour);
    const latest = new Date(Math.floor(clock.now().getTime() / hour) * hour);
    await env.startOperator();
    const backup = await eventually(
      'catch-up run recorded',
      read,
      (b) => b.status?.lastRun?.backupId === `hourly-${stamp(latest)}` && idle(b),
      60_000,
    );
    expect(backup.status?.lastRun?.result).toBe('Succeeded');
    expect(backup.status?.skippedRuns?.[0]).toMatchObject({ reason: 'MissedRuns' });
    expect(backup.status?.skippedRuns?.[0]?.message).toMatch(/^4 earlier/);
    const runJobs = (await listBackupJobs(env.client, env.namespace, 'hourly')).filter((n) => !n.endsWith('-prune'));
    expect(runJobs).toHaveLength(2);
  });

  it('skips a run that is later than startingDeadlineSeconds', async () => {
    await env.client.patch(resourceTypes.plannerBackup, env.namespace, 'hourly', {
      spec: { startingDeadlineSeconds: 60 },
    });
    await env.stopOperator();
    const due = nextHour(clock.now());
    clock.set(new Date(due.getTime() + 5 * 60_000));
    await env.startOperator();
    const backup = await eventually('missed deadline recorded', read, (b) =>
      (b.status?.skippedRuns ?? []).some((s) => s.reason === 'MissedDeadline'),
    );
    expect(new Date(backup.status?.skippedRuns?.[0]?.scheduledTime ?? '').getTime()).toBe(due.getTime());
    expect(backup.status?.lastRun?.backupId).not.toBe(`hourly-${stamp(due)}`);
    await expectEvents(env.client, env.namespace, 'hourly', ['RunSkipped']);
  });

  it('records skipped runs while suspended', async () => {
    await env.client.patch(resourceTypes.plannerBackup, env.namespace, 'hourly', { spec: { suspend: true } });
    await eventually('phase Suspended', read, (b) => b.status?.phase === 'Suspended');
    const due = nextHour(clock.now());
    clock.set(new Date(due.getTime() + 10_000));
    const backup = await eventually('suspended run recorded', read, (b) =>
      (b.status?.skippedRuns ?? []).some((s) => s.reason === 'Suspended'),
    );
    expect(new Date(backup.status?.skippedRuns?.[0]?.scheduledTime ?? '').getTime()).toBe(due.getTime());
    expect(backup.status?.nextScheduleTime).toBeUndefined();
    await env.client.patch(resourceTypes.plannerBackup, env.namespace, 'hourly', { spec: { suspend: false } });
  });

  it('runs at once for a new run-now value', async () => {
    await env.client.patch(resourceTypes.plannerBackup, env.namespace, 'hourly', {
      metadata: { annotations: { [runNowAnnotation]: 'first' } },
    });
    const backup = await eventually(
      'run-now recorded',
      read,
      (b) => b.status?.lastRunNowValue === 'first' && idle(b),
      60_000,
    );
    expect(backup.status?.lastRun?.result).toBe('Succeeded');
    expect(backup.status?.lastRun?.backupId).toMatch(/^hourly-now-[a-f0-9]{8}$/);
  });

  it('keeps only keepLast backups after several runs', async () => {
    const backup = await read();
    const kept = (backup.status?.backups ?? []).map((item) => item.backupId);
    expect(kept).toHaveLength(2);
    expect(kept[0]).toBe(backup.status?.lastRun?.backupId);
    expect(await storedBackupIds(env.backupFolder('hourly'))).toEqual([...kept].sort());
  });

  it('skips a scheduled run while another holds the app lock', async () => {
    const holder = 'restore/someone';
    const lock = { namespace: env.namespace, app: 'web', holder, durationSeconds: 3600 };
    expect((await acquireAppLock(env.client, { ...lock, now: clock.now() })).acquired).toBe(true);
    try {
      const due = nextHour(clock.now());
      clock.set(new Date(due.getTime() + 10_000));
      const backup = await eventually('run skipped for the lock', read, (b) =>
        (b.status?.skippedRuns ?? []).some((s) => s.reason === 'AnotherRunActive'),
      );
      expect(backup.status?.skippedRuns?.[0]?.message).toContain(holder);

      await env.client.patch(resourceTypes.plannerBackup, env.namespace, 'hourly', {
        metadata: { annotations: { [runNowAnnotation]: 'second' } },
      });
      await eventually('run-now waiting', read, (b) =>
        (b.status?.conditions ?? []).some((c) => c.type === 'Running' && c.reason === 'AnotherRunActive'),
      );
      expect((await read()).status?.lastRunNowValue).toBe('first');
    } finally {
      await releaseAppLock(env.client, lock);
    }
    const backup = await eventually(
      'waiting run-now done after release',
      read,
      (b) => b.status?.lastRunNowValue === 'second' && idle(b),
      60_000,
    );
    expect(backup.status?.lastRun?.result).toBe('Succeeded');
    await expectEvents(env.client, env.namespace, 'hourly', ['RunWaiting']);
  });
});
