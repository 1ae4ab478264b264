import { describe, expect, it } from '@jest/globals';
import { serializeResult, type RunResult } from './result.ts';

const base: RunResult = {
  version: 1,
  command: 'prune',
  status: 'Succeeded',
  exitCode: 0,
  startedAt: '2026-12-04T02:00:00.000Z',
  completedAt: '2026-12-04T02:00:01.000Z',
  durationSeconds: 1,
};

describe('serializeResult', () => {
  it('keeps a small result whole', () => {
    expect(JSON.parse(serializeResult({ ...base, deleted: ['a', 'b'] }))).toEqual({ ...base, deleted: ['a', 'b'] });
  });

  it('cuts long lists under the limit', () => {
    const deleted = Array.from({ length: 500 }, (_, i) => `shop-backup-${i}`);
    const text = serializeResult({ ...base, deleted });
    const parsed = JSON.parse(text) as { deleted: string[]; truncated: string[]; status: string };

    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(4096);
    expect(parsed.truncated).toEqual(['deleted']);
    expect(parsed.deleted.length).toBeGreaterThan(0);
    expect(parsed.deleted[0]).toBe('shop-backup-0');
    expect(parsed.status).toBe('Succeeded');
  });

  it('shortens a long message but keeps the reason', () => {
    const failed: RunResult = {
      ...base,
      status: 'Failed',
      exitCode: 4,
      reason: 'DumpFailed',
      message: 'x'.repeat(10_000),
    };
    const text = serializeResult(failed);
    const parsed = JSON.parse(text) as RunResult;

    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(4096);
    expect(parsed.reason).toBe('DumpFailed');
    expect(parsed.exitCode).toBe(4);
    expect(String(parsed.message).length).toBeLessThan(10_000);
  });
});
