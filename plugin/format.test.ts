import { describe, expect, it } from '@jest/globals';
import { formatAge, formatDuration, formatSize, formatTable, parseBackupReference, restoreName } from './format.ts';

describe('plugin formatting', () => {
  const now = new Date('2026-12-04T12:00:00Z');

  it.each([
    ['2026-12-04T11:59:15Z', '45s'],
    ['2026-12-04T11:48:00Z', '12m'],
    ['2026-12-04T07:00:00Z', '5h'],
    ['2026-12-01T12:00:00Z', '3d'],
    ['2026-12-04T12:00:05Z', '0s'],
    [undefined, '<unknown>'],
  ])('formatAge(%s) is %s', (time, expected) => {
    expect(formatAge(time, now)).toBe(expected);
  });

  it.each([
    [512, '512B'],
    [1536, '1.5KiB'],
    [20 * 1024 * 1024, '20MiB'],
    [3 * 1024 ** 3, '3.0GiB'],
    [undefined, '<unknown>'],
  ])('formatSize(%s) is %s', (bytes, expected) => {
    expect(formatSize(bytes)).toBe(expected);
  });

  it.each([
    [0.85, '850ms'],
    [42, '42s'],
    [200, '3m20s'],
    [3900, '1h5m'],
    [undefined, '<unknown>'],
  ])('formatDuration(%s) is %s', (seconds, expected) => {
    expect(formatDuration(seconds)).toBe(expected);
  });

  it('aligns table columns', () => {
    expect(
      formatTable(
        ['app', 'id'],
        [
          ['web', 'a'],
          ['backend', 'b'],
        ],
      ),
    ).toBe('APP       ID\nweb       a\nbackend   b');
  });

  it.each([
    ['nightly', { name: 'nightly' }],
    ['nightly/web-1', { name: 'nightly', backupId: 'web-1' }],
  ])('parses --from %s', (text, expected) => {
    expect(parseBackupReference(text)).toEqual(expected);
  });

  it.each(['', 'nightly/', '/id', 'a/b/c'])('rejects --from %j', (text) => {
    expect(() => parseBackupReference(text)).toThrow(/expected BACKUP or BACKUP\/ID/);
  });

  it('names a restore after the app and the time', () => {
    expect(restoreName('web', new Date('2026-12-04T10:15:00.123Z'))).toBe('web-restore-20261204t101500z');
  });
});
