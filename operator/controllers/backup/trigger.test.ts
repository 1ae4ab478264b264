import { describe, expect, it } from '@jest/globals';
import type { PlannerBackup } from '../../api/generated.ts';
import { decideRun } from './trigger.ts';

function backup(spec: Partial<PlannerBackup['spec']>, status: PlannerBackup['status'] = {}, runNow?: string) {
  return {
    metadata: {
      name: 'nightly',
      creationTimestamp: '2026-12-01T00:00:00Z' as unknown as Date,
      annotations: runNow === undefined ? undefined : { 'planner.bbcagents.io/run-now': runNow },
    },
    spec: { appRef: { name: 'shop' }, storage: { pvc: { claimName: 'b' } }, ...spec },
    status,
  } satisfies PlannerBackup;
}

const now = new Date('2026-12-01T02:00:10Z');

describe('decideRun', () => {
  it('runs once without a schedule', () => {
    expect(decideRun(backup({}), now).run).toMatchObject({ name: 'nightly-202612010000', waitsWhenBlocked: true });
  });

  it('does not run twice without a schedule', () => {
    const status = { lastScheduleTime: '2026-12-01T00:00:00Z' };
    expect(decideRun(backup({}, status), now).run).toBeUndefined();
  });

  it('runs a due scheduled time and skips it when blocked', () => {
    expect(decideRun(backup({ schedule: '0 2 * * *' }), now).run).toMatchObject({
      name: 'nightly-202612010200',
      waitsWhenBlocked: false,
    });
  });

  it.each([
    ['a new value', '2', { lastRunNowValue: '1' }, true],
    ['the same value', '1', { lastRunNowValue: '1' }, false],
    ['an empty value', '', {}, false],
  ])('run-now with %s', (_label, value, status, runs) => {
    const decision = decideRun(backup({ schedule: '0 5 * * *', suspend: true }, status, value), now);
    expect(decision.run?.trigger.kind === 'RunNow').toBe(runs);
  });
});
