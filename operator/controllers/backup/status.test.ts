import { describe, expect, it } from '@jest/globals';
import type { BackupRecord } from '../../api/generated.ts';
import { addSkippedRuns, buildRunRecord, maxSkippedRuns, phaseOf, recordFinishedRun, updateHistory } from './status.ts';

const facts = {
  jobName: 'nightly-202612040200',
  location: 'pvc://backups/shop/nightly',
  startTime: '2026-12-04T02:00:01Z',
  completionTime: '2026-12-04T02:00:31Z',
  format: 'custom' as const,
};

function record(id: string, completionTime: string): BackupRecord {
  return { backupId: id, completionTime, result: 'Succeeded' };
}

describe('buildRunRecord', () => {
  it('takes the fields of a runner result', () => {
    const sha256 = 'a'.repeat(64);
    const result = {
      backupId: 'nightly-202612040200',
      dumpKey: 'nightly-202612040200.dump',
      size: 93582,
      sha256,
      serverVersion: '15.18',
      format: 'custom',
      startedAt: '2026-12-04T02:00:05Z',
      completedAt: '2026-12-04T02:00:25Z',
      durationSeconds: 20.25,
    };
    expect(buildRunRecord(facts, true, result, undefined)).toEqual({
      backupId: 'nightly-202612040200',
      location: 'pvc://backups/shop/nightly/nightly-202612040200.dump',
      size: 93582,
      sha256,
      serverVersion: '15.18',
      format: 'custom',
      startTime: '2026-12-04T02:00:05Z',
      completionTime: '2026-12-04T02:00:25Z',
      durationSeconds: 20.25,
      result: 'Succeeded',
      jobName: 'nightly-202612040200',
      message: undefined,
    });
  });

  it('falls back to the Job facts without a result', () => {
    const built = buildRunRecord(facts, false, undefined, 'the pod vanished');
    expect(built).toMatchObject({ backupId: facts.jobName, location: facts.location, result: 'Failed' });
    expect(built.durationSeconds).toBe(30);
    expect(built.message).toBe('the pod vanished');
    expect(built.sha256).toBeUndefined();
  });
});

describe('recordFinishedRun', () => {
  it.each([
    ['a success resets failures', 'Succeeded', 3, 0, '2026-12-04T02:00:31Z'],
    ['a failure adds one', 'Failed', 3, 4, '2026-12-01T00:00:00Z'],
  ] as const)('%s', (_label, result, before, after, lastSuccess) => {
    const status = recordFinishedRun(
      { consecutiveFailures: before, lastSuccessfulTime: '2026-12-01T00:00:00Z' },
      { ...record('x', '2026-12-04T02:00:31Z'), result },
    );
    expect(status.consecutiveFailures).toBe(after);
    expect(status.lastSuccessfulTime).toBe(lastSuccess);
  });
});

describe('updateHistory', () => {
  const history = [
    record('b3', '2026-12-03T02:00:00Z'),
    record('b2', '2026-12-02T02:00:00Z'),
    record('b1', '2026-12-01T02:00:00Z'),
  ];
  const latest = record('b4', '2026-12-04T02:00:00Z');

  it('keeps what the prune Job kept, newest first', () => {
    const ids = updateHistory(history, latest, { keepLast: 2 }, 'UTC', ['b4', 'b3']).map((item) => item.backupId);
    expect(ids).toEqual(['b4', 'b3']);
  });

  it('applies the policy when the prune list is unknown', () => {
    const ids = updateHistory(history, latest, { keepLast: 3 }, 'UTC', undefined).map((item) => item.backupId);
    expect(ids).toEqual(['b4', 'b3', 'b2']);
  });

  it('never drops the new backup', () => {
    const ids = updateHistory(history, latest, { keepLast: 1 }, 'UTC', ['b3']).map((item) => item.backupId);
    expect(ids).toContain('b4');
  });

  it('stays within 100 entries', () => {
    const many = Array.from({ length: 150 }, (_, index) =>
      record(`b${index}`, new Date(Date.UTC(2026, 0, 1) + index * 3_600_000).toISOString()),
    );
    expect(updateHistory(many, latest, { keepLast: 1000 }, 'UTC', undefined)).toHaveLength(100);
  });
});

describe('addSkippedRuns', () => {
  it('lists newest first within the limit', () => {
    const skips = Array.from({ length: 30 }, (_, index) => ({
      scheduledTime: new Date(Date.UTC(2026, 11, 1, index)),
      reason: 'Suspended',
      message: 'spec.suspend is true',
    }));
    const list = addSkippedRuns([], skips);
    expect(list).toHaveLength(maxSkippedRuns);
    expect(list[0]?.scheduledTime).toBe('2026-12-02T05:00:00.000Z');
  });

  it('replaces an entry for the same time', () => {
    const time = new Date('2026-12-01T02:00:00Z');
    const first = addSkippedRuns([], [{ scheduledTime: time, reason: 'Suspended', message: 'a' }]);
    const second = addSkippedRuns(first, [{ scheduledTime: time, reason: 'AnotherRunActive', message: 'b' }]);
    expect(second).toEqual([{ scheduledTime: time.toISOString(), reason: 'AnotherRunActive', message: 'b' }]);
  });
});

describe('phaseOf', () => {
  it.each([
    ['running', { activeRun: { jobName: 'x' } }, true, false, 'Running'],
    ['suspended', {}, true, true, 'Suspended'],
    ['scheduled before a run', {}, true, false, 'Scheduled'],
    ['scheduled after a failure', { lastRun: { result: 'Failed' } }, true, false, 'Failed'],
    ['scheduled after a success', { lastRun: { result: 'Succeeded' } }, true, false, 'Scheduled'],
    ['on demand before the run', {}, false, false, 'Pending'],
    ['on demand after the run', { lastRun: { result: 'Succeeded' } }, false, false, 'Succeeded'],
  ] as const)('%s', (_label, status, scheduled, suspended, phase) => {
    expect(phaseOf(status, scheduled, suspended)).toBe(phase);
  });
});
