import { describe, expect, it } from '@jest/globals';
import type { BackupRecord, PlannerBackup, PlannerRestoreSpec } from '../../api/generated.ts';
import {
  chooseBackup,
  interpretRunnerResult,
  isFinalPhase,
  nextPhase,
  successfulBackups,
  type RestorePhase,
} from './decide.ts';

const base: PlannerRestoreSpec = { appRef: { name: 'shop' }, source: { backupRef: { name: 'nightly' } } };

describe('nextPhase', () => {
  it.each<[RestorePhase, boolean | undefined, boolean | undefined, boolean, RestorePhase]>([
    ['Pending', undefined, undefined, false, 'Quiescing'],
    ['Pending', false, undefined, false, 'SafetyBackup'],
    ['Pending', false, false, false, 'Restoring'],
    ['Pending', true, false, false, 'Quiescing'],
    ['Quiescing', true, undefined, false, 'SafetyBackup'],
    ['Quiescing', true, false, false, 'Restoring'],
    ['SafetyBackup', true, true, false, 'Restoring'],
    ['Restoring', true, true, false, 'Resuming'],
    ['Resuming', true, true, false, 'Succeeded'],
    ['Resuming', true, true, true, 'Failed'],
    ['Succeeded', true, true, false, 'Succeeded'],
    ['Failed', true, true, false, 'Failed'],
  ])('after %s with quiesce %s and safety %s (failed %s) is %s', (phase, quiesce, safetyBackup, failed, expected) => {
    const spec = {
      ...base,
      ...(quiesce === undefined ? {} : { quiesce }),
      ...(safetyBackup === undefined ? {} : { safetyBackup }),
    };
    expect(nextPhase(phase, spec, failed)).toBe(expected);
  });

  it.each<[RestorePhase | undefined, boolean]>([
    [undefined, false],
    ['Pending', false],
    ['Resuming', false],
    ['Succeeded', true],
    ['Failed', true],
  ])('isFinalPhase(%s) is %s', (phase, expected) => {
    expect(isFinalPhase(phase)).toBe(expected);
  });
});

function record(backupId: string, result: 'Succeeded' | 'Failed', completionTime: string): BackupRecord {
  return { backupId, result, completionTime };
}

function plannerBackup(backups: BackupRecord[], lastRun?: BackupRecord): PlannerBackup {
  return {
    metadata: { name: 'nightly' },
    spec: { appRef: { name: 'shop' }, storage: { pvc: { claimName: 'backups' } } },
    status: { backups, ...(lastRun === undefined ? {} : { lastRun }) },
  };
}

describe('chooseBackup', () => {
  const history = [
    record('b3', 'Failed', '2026-01-03T00:00:00Z'),
    record('b2', 'Succeeded', '2026-01-02T00:00:00Z'),
    record('b1', 'Succeeded', '2026-01-01T00:00:00Z'),
  ];

  it('picks the newest successful backup', () => {
    expect(chooseBackup(plannerBackup(history), undefined)).toMatchObject({ found: true, id: 'b2' });
  });

  it('ignores history order and sorts by completion time', () => {
    const reversed = [...history].reverse();
    expect(chooseBackup(plannerBackup(reversed), undefined)).toMatchObject({ found: true, id: 'b2' });
  });

  it('counts a successful last run missing from the history', () => {
    const last = record('b4', 'Succeeded', '2026-01-04T00:00:00Z');
    expect(chooseBackup(plannerBackup(history, last), undefined)).toMatchObject({ found: true, id: 'b4' });
  });

  it('returns a requested id with its record', () => {
    const choice = chooseBackup(plannerBackup(history), 'b1');
    expect(choice).toMatchObject({ found: true, id: 'b1', record: { backupId: 'b1' } });
  });

  it('passes an unknown requested id on for the verify Job', () => {
    expect(chooseBackup(plannerBackup(history), 'older')).toEqual({ found: true, id: 'older', record: undefined });
  });

  it.each([
    ['no history', []],
    ['only failed runs', [record('b3', 'Failed', '2026-01-03T00:00:00Z')]],
  ])('reports NoSuccessfulBackup with %s', (_label, backups) => {
    const choice = chooseBackup(plannerBackup(backups), undefined);
    expect(choice.found).toBe(false);
    expect(choice).toMatchObject({ reason: 'NoSuccessfulBackup' });
    expect(choice.found ? '' : choice.message).toContain('kubectl planner backup now nightly');
  });

  it('lists each successful backup once', () => {
    const last = record('b2', 'Succeeded', '2026-01-02T00:00:00Z');
    expect(successfulBackups(plannerBackup(history, last)).map((item) => item.backupId)).toEqual(['b2', 'b1']);
  });
});

describe('interpretRunnerResult', () => {
  const ok = JSON.stringify({ status: 'Succeeded', exitCode: 0, backupId: 'b1', sha256: 'ab', size: 10 });

  it.each<[string, 'verify' | 'restore', number | undefined, string | undefined, boolean, string | undefined, string]>([
    ['success', 'verify', 0, ok, true, undefined, 'verify of backup b1 succeeded'],
    ['no message', 'restore', 137, undefined, false, 'JobFailed', 'exit code 137 (killed by SIGKILL'],
    ['terminated', 'restore', 143, undefined, false, 'JobFailed', 'exit code 143 (killed by SIGTERM) and no result'],
    ['log text', 'restore', 1, 'Killed', false, 'JobFailed', 'exit code 1'],
    ['success status with exit 1', 'verify', 1, ok, false, 'JobFailed', 'failed'],
    [
      'checksum mismatch',
      'verify',
      6,
      JSON.stringify({ status: 'Failed', reason: 'VerificationFailed', message: 'sha256 differs' }),
      false,
      'ChecksumMismatch',
      'checksum mismatch for backup b1: sha256 differs',
    ],
    [
      'row count mismatch',
      'restore',
      6,
      JSON.stringify({ status: 'Failed', reason: 'VerificationFailed', mismatches: [{ name: 'tasks' }] }),
      false,
      'RowCountMismatch',
      'row counts differ',
    ],
    [
      'not found',
      'verify',
      8,
      JSON.stringify({ status: 'Failed', reason: 'BackupNotFound', message: 'no manifest', hint: 'list backups' }),
      false,
      'BackupNotFound',
      'backup b1 not found in storage: no manifest list backups',
    ],
    [
      'pg_restore failure',
      'restore',
      7,
      JSON.stringify({ status: 'Failed', reason: 'RestoreFailed', message: 'syntax error' }),
      false,
      'RestoreFailed',
      'restore of backup b1 failed (RestoreFailed): syntax error',
    ],
    [
      'connection failure of a restore',
      'restore',
      3,
      JSON.stringify({ status: 'Failed', reason: 'ConnectionFailed' }),
      false,
      'RestoreFailed',
      '(ConnectionFailed)',
    ],
    [
      'storage failure of a verify',
      'verify',
      5,
      JSON.stringify({ status: 'Failed', reason: 'StorageFailed' }),
      false,
      'JobFailed',
      '(StorageFailed)',
    ],
  ])('reads %s', (_label, command, exitCode, message, succeeded, reason, text) => {
    const outcome = interpretRunnerResult(command, 'b1', exitCode, message);
    expect(outcome.succeeded).toBe(succeeded);
    expect(outcome.reason).toBe(reason);
    expect(outcome.message).toContain(text);
  });
});
