import { describe, expect, it } from '@jest/globals';
import type { ReplicaSchedule } from '../../api/generated.ts';
import { evaluateSchedules, parseDuration, windowAround } from './schedule.ts';

const bounds = { min: 2, max: 6 };

function schedule(overrides: Partial<ReplicaSchedule>): ReplicaSchedule {
  return { name: 'business', cron: '0 9 * * 1-5', timeZone: 'UTC', duration: '8h', min: 5, ...overrides };
}

describe('parseDuration', () => {
  it.each([
    ['8h', 8 * 3_600_000],
    ['90m', 90 * 60_000],
    ['1h30m15s', 5_415_000],
    ['45s', 45_000],
  ])('parses %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '0h', '8', 'h', '1d', '-1h', '1m1h'])('rejects "%s"', (text) => {
    expect(() => parseDuration(text)).toThrow(/duration/);
  });
});

describe('evaluateSchedules', () => {
  it.each([
    // Weekday window 09:00 to 17:00 UTC.
    ['before the window', '2026-12-07T08:59:59Z', [], 2, '2026-12-07T09:00:00.000Z'],
    ['at the start', '2026-12-07T09:00:00Z', ['business'], 5, '2026-12-07T17:00:00.000Z'],
    ['inside', '2026-12-07T12:00:00Z', ['business'], 5, '2026-12-07T17:00:00.000Z'],
    ['at the end', '2026-12-07T17:00:00Z', [], 2, '2026-12-08T09:00:00.000Z'],
    // Friday evening to Monday morning crosses the weekday boundary.
    ['Friday after the window', '2026-12-04T18:00:00Z', [], 2, '2026-12-07T09:00:00.000Z'],
    ['Saturday', '2026-12-05T10:00:00Z', [], 2, '2026-12-07T09:00:00.000Z'],
  ])('weekday window %s', (_label, now, active, min, next) => {
    const result = evaluateSchedules([schedule({})], bounds, new Date(now));
    expect(result.active).toEqual(active);
    expect(result.effectiveMin).toBe(min);
    expect(result.nextChange?.toISOString()).toBe(next);
  });

  it.each([
    // Last day of each month at 22:00 for 4h, crossing into the next month and year.
    ['end of February', '2027-02-28T23:00:00Z', ['month-end'], '2027-03-01T02:00:00.000Z'],
    ['end of a 31-day month', '2026-12-31T22:30:00Z', ['month-end'], '2027-01-01T02:00:00.000Z'],
    ['first of the next month after the window', '2027-01-01T03:00:00Z', [], '2027-01-31T22:00:00.000Z'],
  ])('month boundary: %s', (_label, now, active, next) => {
    const monthEnd = schedule({ name: 'month-end', cron: '0 22 L * *', duration: '4h', min: 4 });
    const result = evaluateSchedules([monthEnd], bounds, new Date(now));
    expect(result.active).toEqual(active);
    expect(result.nextChange?.toISOString()).toBe(next);
  });

  it.each([
    // Europe/London leaves GMT (UTC+0) for BST (UTC+1) at 01:00 UTC on 2026-03-29 and returns on 2026-10-25.
    ['winter, 09:00 GMT', '2026-03-27T09:30:00Z', true, '2026-03-27T17:00:00.000Z'],
    ['summer, 08:00 UTC is 09:00 BST', '2026-03-30T08:30:00Z', true, '2026-03-30T16:00:00.000Z'],
    ['summer, 08:59 BST is outside', '2026-03-30T07:59:00Z', false, '2026-03-30T08:00:00.000Z'],
    ['after the autumn change, 09:00 GMT', '2026-10-26T09:00:00Z', true, '2026-10-26T17:00:00.000Z'],
  ])('daylight saving in Europe/London: %s', (_label, now, isActive, next) => {
    const london = schedule({ cron: '0 9 * * *', timeZone: 'Europe/London', duration: '8h' });
    const result = evaluateSchedules([london], bounds, new Date(now));
    expect(result.active.length > 0).toBe(isActive);
    expect(result.nextChange?.toISOString()).toBe(next);
  });

  it('keeps the elapsed length of a window across the spring change', () => {
    // 00:30 GMT plus 2h elapsed ends at 03:30 BST, because 01:00 to 02:00 local time does not exist.
    const night = schedule({ cron: '30 0 * * *', timeZone: 'Europe/London', duration: '2h' });
    const window = windowAround(night, new Date('2026-03-29T01:00:00Z'));
    expect(window.start.toISOString()).toBe('2026-03-29T00:30:00.000Z');
    expect(window.end.toISOString()).toBe('2026-03-29T02:30:00.000Z');
  });

  it('takes the highest floor and ceiling of overlapping windows', () => {
    const result = evaluateSchedules(
      [
        schedule({ name: 'day', cron: '0 8 * * *', duration: '10h', min: 3, max: 8 }),
        schedule({ name: 'peak', cron: '0 12 * * *', duration: '2h', min: 7 }),
      ],
      bounds,
      new Date('2026-12-07T12:30:00Z'),
    );
    expect(result.active).toEqual(['day', 'peak']);
    expect(result.effectiveMin).toBe(7);
    expect(result.effectiveMax).toBe(8);
    expect(result.nextChange?.toISOString()).toBe('2026-12-07T14:00:00.000Z');
  });

  it('chains windows longer than their interval', () => {
    const everyFive = schedule({ name: 'busy', cron: '*/5 * * * *', duration: '10m', min: 3 });
    const result = evaluateSchedules([everyFive], bounds, new Date('2026-12-07T10:02:00Z'));
    expect(result.active).toEqual(['busy']);
    // The window of 10:00 plus 1,000 chained ones, five minutes apart and ten minutes long, ends 5,010 minutes after 10:00.
    expect(result.nextChange?.toISOString()).toBe('2026-12-10T21:30:00.000Z');
  });

  it('ends a chain where the windows stop overlapping', () => {
    const businessHours = schedule({ name: 'hourly', cron: '0 9-16 * * *', duration: '90m', min: 3 });
    const result = evaluateSchedules([businessHours], bounds, new Date('2026-12-07T09:30:00Z'));
    expect(result.nextChange?.toISOString()).toBe('2026-12-07T17:30:00.000Z');
  });

  it('raises the ceiling to the floor when a window min exceeds the spec max', () => {
    const result = evaluateSchedules([schedule({ min: 10 })], bounds, new Date('2026-12-07T10:00:00Z'));
    expect(result.effectiveMin).toBe(10);
    expect(result.effectiveMax).toBe(10);
  });

  it.each([
    ['an unknown time zone', { timeZone: 'Mars/Olympus' }, /time zone "Mars\/Olympus"/],
    ['six cron fields', { cron: '0 0 9 * * *' }, /five fields/],
    ['an out-of-range minute', { cron: '61 9 * * *' }, /cron expression "61 9 \* \* \*" is invalid/],
    ['a window over 31 days', { duration: '745h' }, /longer than 744h/],
  ])('reports %s and skips the schedule', (_label, overrides, message) => {
    const result = evaluateSchedules(
      [schedule({ name: 'broken', ...overrides }), schedule({ name: 'ok', min: 4 })],
      bounds,
      new Date('2026-12-07T10:00:00Z'),
    );
    expect(result.invalid).toHaveLength(1);
    expect(result.invalid[0]?.name).toBe('broken');
    expect(result.invalid[0]?.message).toMatch(message);
    expect(result.active).toEqual(['ok']);
    expect(result.effectiveMin).toBe(4);
  });

  it('returns the spec bounds and no change time without schedules', () => {
    const result = evaluateSchedules([], bounds, new Date('2026-12-07T10:00:00Z'));
    expect(result).toEqual({ effectiveMin: 2, effectiveMax: 6, active: [], nextChange: undefined, invalid: [] });
  });
});
