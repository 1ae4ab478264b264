import { describe, expect, it } from '@jest/globals';
import { setCondition } from './conditions.ts';
import { backoffDelayMs } from './backoff.ts';
import { isSubset } from './writes.ts';
import { parseBindAddress } from './http.ts';

describe('isSubset', () => {
  it.each([
    [{ a: 1 }, { a: 1, b: 2 }, true],
    [{ a: 1 }, { a: 2 }, false],
    [{ a: { b: [1, 2] } }, { a: { b: [1, 2], c: 3 } }, true],
    [{ a: [1, 2] }, { a: [1, 2, 3] }, false],
    [{ a: [{ x: 1 }] }, { a: [{ x: 1, y: 2 }] }, true],
    [{ a: undefined }, {}, true],
    [{ a: 1 }, null, false],
    [{ a: {} }, { a: [] }, false],
  ])('%j within %j is %s', (desired, observed, expected) => {
    expect(isSubset(desired, observed)).toBe(expected);
  });
});

describe('setCondition', () => {
  const t1 = new Date('2026-12-01T00:00:00Z');
  const t2 = new Date('2026-12-02T00:00:00Z');
  const input = { type: 'Ready', status: 'True' as const, reason: 'Reconciled', message: 'ok' };

  it('keeps the transition time when the status stays', () => {
    const first = setCondition(undefined, input, 1, t1);
    const second = setCondition(first, { ...input, message: 'still ok' }, 2, t2);
    expect(second[0]?.lastTransitionTime).toBe(t1.toISOString());
    expect(second[0]?.message).toBe('still ok');
    expect(second[0]?.observedGeneration).toBe(2);
  });

  it('moves the transition time when the status changes', () => {
    const first = setCondition(undefined, input, 1, t1);
    const second = setCondition(first, { ...input, status: 'False' }, 1, t2);
    expect(second).toHaveLength(1);
    expect(second[0]?.lastTransitionTime).toBe(t2.toISOString());
  });
});

describe('backoffDelayMs', () => {
  it.each([
    [1, 1_000],
    [2, 2_000],
    [5, 16_000],
    [20, 60_000],
  ])('retry %i waits %i ms', (failures, ms) => {
    expect(backoffDelayMs(failures, { baseMs: 1_000, maxMs: 60_000 })).toBe(ms);
  });

  it('adds at most the jitter fraction', () => {
    expect(backoffDelayMs(1, { baseMs: 1_000, maxMs: 60_000, jitter: 0.5 }, () => 1)).toBe(1_500);
  });
});

describe('parseBindAddress', () => {
  it.each([
    [':8080', { host: undefined, port: 8080 }],
    ['127.0.0.1:0', { host: '127.0.0.1', port: 0 }],
    ['[::1]:9090', { host: '::1', port: 9090 }],
    ['0', undefined],
  ])('parses %s', (text, expected) => {
    expect(parseBindAddress(text)).toEqual(expected);
  });

  it.each(['8080', 'host:', ':99999'])('rejects %s', (text) => {
    expect(() => parseBindAddress(text)).toThrow(/invalid bind address/);
  });
});
