import { describe, expect, it } from '@jest/globals';
import { decideSchedule, nextScheduleTime, scheduleProblem, type ScheduleInput } from './schedule.ts';

const created = new Date('2026-12-01T00:00:00Z');

function input(overrides: Partial<ScheduleInput>): ScheduleInput {
  return {
    schedule: '0 2 * * *',
    timeZone: 'UTC',
    suspend: false,
    startingDeadlineSeconds: undefined,
    createdAt: created,
    lastScheduleTime: undefined,
    now: new Date('2026-12-01T01:00:00Z'),
    ...overrides,
  };
}

describe('decideSchedule', () => {
  it.each([
    ['before the first time', '2026-12-01T01:59:59Z', undefined, undefined],
    ['exactly at the time', '2026-12-01T02:00:00Z', undefined, '2026-12-01T02:00:00.000Z'],
    ['shortly after the time', '2026-12-01T02:00:30Z', undefined, '2026-12-01T02:00:00.000Z'],
    ['after a run already started', '2026-12-01T03:00:00Z', '2026-12-01T02:00:00Z', undefined],
    ['the next day', '2026-12-02T02:00:05Z', '2026-12-01T02:00:00Z', '2026-12-02T02:00:00.000Z'],
  ])('%s', (_label, now, last, due) => {
    const decision = decideSchedule(
      input({ now: new Date(now), lastScheduleTime: last === undefined ? undefined : new Date(last) }),
    );
    expect(decision.due?.toISOString()).toBe(due);
    expect(decision.skipped).toEqual([]);
  });

  it('runs only the latest of several missed times', () => {
    const decision = decideSchedule(input({ now: new Date('2026-12-05T03:00:00Z') }));
    expect(decision.due?.toISOString()).toBe('2026-12-05T02:00:00.000Z');
    expect(decision.skipped).toEqual([
      expect.objectContaining({ reason: 'MissedRuns', scheduledTime: new Date('2026-12-04T02:00:00Z') }),
    ]);
    expect(decision.skipped[0]?.message).toMatch(/^4 earlier/);
  });

  it('skips the latest time past startingDeadlineSeconds', () => {
    const decision = decideSchedule(input({ now: new Date('2026-12-01T02:10:00Z'), startingDeadlineSeconds: 300 }));
    expect(decision.due).toBeUndefined();
    expect(decision.skipped).toEqual([expect.objectContaining({ reason: 'MissedDeadline' })]);
    expect(decision.lastScheduleTime?.toISOString()).toBe('2026-12-01T02:00:00.000Z');
  });

  it('runs within startingDeadlineSeconds', () => {
    const decision = decideSchedule(input({ now: new Date('2026-12-01T02:04:00Z'), startingDeadlineSeconds: 300 }));
    expect(decision.due?.toISOString()).toBe('2026-12-01T02:00:00.000Z');
  });

  it('records the due time as skipped while suspended', () => {
    const decision = decideSchedule(input({ now: new Date('2026-12-01T02:01:00Z'), suspend: true }));
    expect(decision.due).toBeUndefined();
    expect(decision.skipped).toEqual([expect.objectContaining({ reason: 'Suspended' })]);
    expect(decision.lastScheduleTime?.toISOString()).toBe('2026-12-01T02:00:00.000Z');
  });

  it('caps the count of missed times after long downtime', () => {
    const decision = decideSchedule(input({ schedule: '* * * * *', now: new Date('2026-12-31T00:00:00Z') }));
    expect(decision.due?.toISOString()).toBe('2026-12-31T00:00:00.000Z');
    expect(decision.skipped[0]?.message).toMatch(/^more than 999/);
  });

  it('evaluates the schedule in its time zone', () => {
    const decision = decideSchedule(input({ timeZone: 'America/New_York', now: new Date('2026-12-01T07:00:30Z') }));
    expect(decision.due?.toISOString()).toBe('2026-12-01T07:00:00.000Z');
    expect(decision.next?.toISOString()).toBe('2026-12-02T07:00:00.000Z');
  });

  it('decides nothing without a schedule', () => {
    const decision = decideSchedule(input({ schedule: undefined, now: new Date('2026-12-09T00:00:00Z') }));
    expect(decision).toEqual({ due: undefined, skipped: [], lastScheduleTime: undefined, next: undefined });
  });
});

describe('nextScheduleTime', () => {
  it.each([
    ['0 2 * * *', 'UTC', '2026-12-01T02:00:00Z', '2026-12-02T02:00:00.000Z'],
    ['@hourly', 'UTC', '2026-12-01T02:30:00Z', '2026-12-01T03:00:00.000Z'],
    ['30 1 * * *', 'Europe/London', '2026-07-01T12:00:00Z', '2026-07-02T00:30:00.000Z'],
  ])('%s in %s after %s', (schedule, zone, after, next) => {
    expect(nextScheduleTime(schedule, zone, new Date(after)).toISOString()).toBe(next);
  });
});

describe('scheduleProblem', () => {
  it.each([
    ['0 2 * * *', 'UTC', undefined],
    ['@daily', 'Europe/London', undefined],
    ['0 2 * *', 'UTC', /five fields/],
    ['61 2 * * *', 'UTC', /invalid/],
    ['0 2 * * *', 'Mars/Olympus', /time zone/],
  ])('%s in %s', (schedule, zone, problem) => {
    const message = scheduleProblem(schedule, zone);
    if (problem === undefined) expect(message).toBeUndefined();
    else expect(message).toMatch(problem);
  });
});
