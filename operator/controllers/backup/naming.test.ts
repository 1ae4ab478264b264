import { describe, expect, it } from '@jest/globals';
import { deleteJobName, pruneJobName, runName } from './naming.ts';

describe('runName', () => {
  it.each([
    ['scheduled', { kind: 'Schedule', scheduledTime: new Date('2026-12-04T02:00:00Z') }, 'nightly-202612040200'],
    ['once', { kind: 'Once', createdAt: new Date('2026-12-04T09:15:42Z') }, 'nightly-202612040915'],
  ] as const)('names a %s run by its minute', (_label, trigger, expected) => {
    expect(runName('nightly', trigger)).toBe(expected);
  });

  it('names run-now runs by a hash of the value', () => {
    const first = runName('nightly', { kind: 'RunNow', value: '1733280000' });
    expect(first).toMatch(/^nightly-now-[a-f0-9]{8}$/);
    expect(runName('nightly', { kind: 'RunNow', value: '1733280000' })).toBe(first);
    expect(runName('nightly', { kind: 'RunNow', value: '1733280001' })).not.toBe(first);
  });

  it('keeps long names valid and distinct', () => {
    const time = new Date('2026-12-04T02:00:00Z');
    const a = runName(`${'a'.repeat(60)}-one`, { kind: 'Schedule', scheduledTime: time });
    const b = runName(`${'a'.repeat(60)}-two`, { kind: 'Schedule', scheduledTime: time });
    for (const name of [a, b, pruneJobName(a)]) {
      expect(name.length).toBeLessThanOrEqual(63);
      expect(name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    }
    expect(a).not.toBe(b);
  });

  it('names the delete Job within 63 characters', () => {
    expect(deleteJobName('nightly')).toBe('nightly-delete');
    expect(deleteJobName('x'.repeat(80)).length).toBeLessThanOrEqual(63);
  });
});
