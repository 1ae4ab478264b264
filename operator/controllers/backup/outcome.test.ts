import { describe, expect, it } from '@jest/globals';
import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { isJobFinished, parseRunnerResult, readJobOutcome } from './outcome.ts';

function job(condition: 'Complete' | 'Failed' | undefined, reason?: string): V1Job {
  return { status: { conditions: condition === undefined ? [] : [{ type: condition, status: 'True', reason }] } };
}

function pod(exitCode: number, message: string | undefined, created = '2026-12-04T02:00:00Z'): V1Pod {
  return {
    metadata: { creationTimestamp: created as unknown as Date },
    status: {
      containerStatuses: [{ name: 'runner', state: { terminated: { exitCode, message } } }],
    } as V1Pod['status'],
  };
}

const success = JSON.stringify({ command: 'backup', status: 'Succeeded', backupId: 'x' });
const failure = JSON.stringify({
  command: 'backup',
  status: 'Failed',
  reason: 'ConnectionFailed',
  message: 'password authentication failed',
  hint: 'check the Secret',
});

describe('readJobOutcome', () => {
  it('succeeds on a completed Job with a Succeeded result', () => {
    const outcome = readJobOutcome(job('Complete'), [pod(0, success)], 'backup');
    expect(outcome.succeeded).toBe(true);
    expect(outcome.result?.backupId).toBe('x');
  });

  it.each([
    ['a Failed result', job('Failed'), [pod(3, failure)], /^ConnectionFailed: password authentication failed \(check/],
    ['no result at all', job('Failed', 'DeadlineExceeded'), [], /DeadlineExceeded.*no pod reported an exit code/],
    ['a killed pod', job('Failed', 'BackoffLimitExceeded'), [pod(137, undefined)], /exited with code 137/],
    ['a completed Job without a result', job('Complete'), [pod(0, 'not json')], /no result that says/],
    ['a result of another command', job('Complete'), [pod(0, success)], /no result that says/],
  ])('fails with %s', (_label, observed, pods, message) => {
    const command = _label === 'a result of another command' ? 'prune' : 'backup';
    const outcome = readJobOutcome(observed, pods, command);
    expect(outcome.succeeded).toBe(false);
    expect(outcome.message).toMatch(message);
  });

  it('prefers the pod that succeeded after a retry', () => {
    const pods = [pod(3, failure, '2026-12-04T02:00:00Z'), pod(0, success, '2026-12-04T02:01:00Z')];
    expect(readJobOutcome(job('Complete'), pods, 'backup').succeeded).toBe(true);
  });
});

describe('parseRunnerResult', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['[1]', undefined],
    ['{"status":"Succeeded"}', { status: 'Succeeded' }],
  ])('parses %p', (text, expected) => {
    expect(parseRunnerResult(text)).toEqual(expected);
  });
});

describe('isJobFinished', () => {
  it.each([
    ['Complete', true],
    ['Failed', true],
    [undefined, false],
  ] as const)('%s', (condition, expected) => {
    expect(isJobFinished(job(condition))).toBe(expected);
  });
});
