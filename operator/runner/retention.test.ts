import { describe, expect, it } from '@jest/globals';
import { decideRetention, type RetentionCandidate, type RetentionPolicy } from './retention.ts';

function backup(id: string, at: string): RetentionCandidate {
  return { id, completedAt: new Date(at) };
}

/** Hourly backups on four days of one week in UTC, newest last. */
const hourly = [
  backup('mon-01', '2026-11-30T01:00:00Z'),
  backup('mon-13', '2026-11-30T13:00:00Z'),
  backup('tue-01', '2026-12-01T01:00:00Z'),
  backup('tue-13', '2026-12-01T13:00:00Z'),
  backup('wed-01', '2026-12-02T01:00:00Z'),
  backup('thu-01', '2026-12-03T01:00:00Z'),
  backup('thu-13', '2026-12-03T13:00:00Z'),
];

/** One backup a week, Sundays and Mondays across a month and year boundary. */
const weekly = [
  backup('w-2026-11-15', '2026-11-15T12:00:00Z'),
  backup('w-2026-11-22', '2026-11-22T12:00:00Z'),
  backup('w-2026-11-29', '2026-11-29T12:00:00Z'),
  backup('w-2026-12-06', '2026-12-06T12:00:00Z'),
  backup('w-2026-12-27', '2026-12-27T12:00:00Z'),
  backup('w-2026-12-28', '2026-12-28T12:00:00Z'),
  backup('w-2027-01-03', '2027-01-03T12:00:00Z'),
];

describe('decideRetention', () => {
  it.each<[string, readonly RetentionCandidate[], RetentionPolicy, string[]]>([
    ['keeps everything without rules', hourly, {}, hourly.map((b) => b.id).reverse()],
    ['keeps only the newest with keepLast 0', hourly, { keepLast: 0 }, ['thu-13']],
    ['keeps the newest three', hourly, { keepLast: 3 }, ['thu-13', 'thu-01', 'wed-01']],
    ['keeps the newest per day', hourly, { keepDaily: 3 }, ['thu-13', 'wed-01', 'tue-13']],
    ['counts only days with backups', hourly, { keepDaily: 10 }, ['thu-13', 'wed-01', 'tue-13', 'mon-13']],
    ['adds daily to last', hourly, { keepLast: 2, keepDaily: 2 }, ['thu-13', 'thu-01', 'wed-01']],
    [
      'keeps the newest per ISO week',
      weekly,
      { keepWeekly: 3 },
      // 2027-01-03 (Sunday) and 2026-12-28 (Monday) share ISO week 2026-W53.
      ['w-2027-01-03', 'w-2026-12-27', 'w-2026-12-06'],
    ],
    ['keeps the newest per month', weekly, { keepMonthly: 3 }, ['w-2027-01-03', 'w-2026-12-28', 'w-2026-11-29']],
    ['returns nothing for no backups', [], { keepLast: 3 }, []],
  ])('%s', (_name, backups, policy, kept) => {
    const decision = decideRetention(backups, policy);

    expect(decision.keep.map((entry) => entry.id)).toEqual(kept);
    expect(decision.expire).toEqual(
      [...backups]
        .reverse()
        .map((b) => b.id)
        .filter((id) => !kept.includes(id)),
    );
  });

  it('always keeps the newest backup', () => {
    const decision = decideRetention(weekly, { keepMonthly: 0, keepDaily: 0 });

    expect(decision.keep).toEqual([{ id: 'w-2027-01-03', reasons: ['Newest'] }]);
  });

  it('records every reason to keep', () => {
    const decision = decideRetention(hourly, { keepLast: 1, keepDaily: 1, keepWeekly: 1, keepMonthly: 1 });

    expect(decision.keep).toEqual([{ id: 'thu-13', reasons: ['Newest', 'Last', 'Daily', 'Weekly', 'Monthly'] }]);
  });

  it('orders by completion time, not input order', () => {
    const decision = decideRetention([...hourly].reverse(), { keepLast: 2 });

    expect(decision.keep.map((entry) => entry.id)).toEqual(['thu-13', 'thu-01']);
  });

  it('uses day boundaries of the time zone', () => {
    // 23:30 UTC on 1 December is already 2 December in Berlin, the same day as the later backup.
    const backups = [backup('late', '2026-12-01T23:30:00Z'), backup('next', '2026-12-02T08:00:00Z')];

    expect(decideRetention(backups, { keepDaily: 2 }, 'UTC').keep.map((e) => e.id)).toEqual(['next', 'late']);
    expect(decideRetention(backups, { keepDaily: 2 }, 'Europe/Berlin').keep.map((e) => e.id)).toEqual(['next']);
  });

  it.each([[-1], [1.5], [Number.NaN]])('rejects keepLast %p', (value) => {
    expect(() => decideRetention(hourly, { keepLast: value })).toThrow(RangeError);
  });

  it('rejects an unknown time zone', () => {
    expect(() => decideRetention(hourly, { keepLast: 1 }, 'Mars/Olympus')).toThrow(RangeError);
  });
});
