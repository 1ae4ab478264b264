import { describe, expect, it } from '@jest/globals';
import { nextOccurrence } from './recurrence.ts';
import type { Recurrence } from './schemas.ts';

const rule = (frequency: Recurrence['frequency'], interval = 1, until: string | null = null): Recurrence => ({
  frequency,
  interval,
  until: until === null ? null : new Date(until),
});

describe('nextOccurrence', () => {
  it.each([
    ['daily', rule('daily'), '2026-12-04T09:00:00.000Z', '2026-12-05T09:00:00.000Z'],
    ['every 3 days', rule('daily', 3), '2026-12-30T09:00:00.000Z', '2027-01-02T09:00:00.000Z'],
    ['weekly', rule('weekly'), '2026-12-04T09:00:00.000Z', '2026-12-11T09:00:00.000Z'],
    ['every 2 weeks', rule('weekly', 2), '2026-12-25T17:00:00.000Z', '2027-01-08T17:00:00.000Z'],
    ['monthly', rule('monthly'), '2026-12-15T08:30:00.000Z', '2027-01-15T08:30:00.000Z'],
    ['monthly from the 31st', rule('monthly'), '2027-01-31T10:00:00.000Z', '2027-02-28T10:00:00.000Z'],
    ['monthly into a leap February', rule('monthly'), '2028-01-31T10:00:00.000Z', '2028-02-29T10:00:00.000Z'],
    ['quarterly', rule('monthly', 3), '2026-11-30T10:00:00.000Z', '2027-02-28T10:00:00.000Z'],
    [
      'on the until bound',
      rule('daily', 1, '2026-12-05T09:00:00Z'),
      '2026-12-04T09:00:00.000Z',
      '2026-12-05T09:00:00.000Z',
    ],
  ])('%s', (_name, recurrence, due, expected) => {
    expect(nextOccurrence(new Date(due), recurrence)?.toISOString()).toBe(expected);
  });

  it('ends after until', () => {
    expect(nextOccurrence(new Date('2026-12-04T09:00:00Z'), rule('weekly', 1, '2026-12-10T00:00:00Z'))).toBeUndefined();
  });
});
