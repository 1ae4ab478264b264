import { describe, expect, it } from '@jest/globals';
import { findDate, startOfLocalDay, zoneOffsetMinutes } from './time.ts';

const context = { now: new Date('2026-12-02T10:00:00Z'), timeZone: 'UTC' };

describe('zoneOffsetMinutes', () => {
  it.each([
    ['UTC', '2026-12-02T10:00:00Z', 0],
    ['Europe/Berlin', '2026-12-02T10:00:00Z', 60],
    ['Europe/Berlin', '2026-07-02T10:00:00Z', 120],
    ['America/New_York', '2026-12-02T10:00:00Z', -300],
    ['Asia/Kolkata', '2026-12-02T10:00:00Z', 330],
  ])('%s at %s is %i', (zone, instant, offset) => {
    expect(zoneOffsetMinutes(zone, new Date(instant))).toBe(offset);
  });
});

describe('findDate', () => {
  it.each([
    ['at 5', '2026-12-02T17:00:00.000Z'],
    ['at 4', '2026-12-02T16:00:00.000Z'],
    ['tomorrow at 5', '2026-12-03T17:00:00.000Z'],
    ['at 11', '2026-12-02T11:00:00.000Z'],
    ['tonight', '2026-12-02T19:00:00.000Z'],
    ['on the 15th', '2026-12-15T12:00:00.000Z'],
    ['on the 1st', '2027-01-01T12:00:00.000Z'],
  ])('reads "%s"', (text, expected) => {
    expect(findDate(text, context)?.start.toISOString()).toBe(expected);
  });

  it('finds nothing in plain words', () => {
    expect(findDate('buy milk', context)).toBeUndefined();
  });

  it('starts days at local midnight', () => {
    expect(startOfLocalDay({ ...context, timeZone: 'Asia/Tokyo' }).toISOString()).toBe('2026-12-01T15:00:00.000Z');
  });
});
