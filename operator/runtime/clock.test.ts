import { describe, expect, it } from '@jest/globals';
import { TestClock } from './clock.ts';
import { microTime } from './leader.ts';

describe('TestClock', () => {
  it('starts at the given time and moves forward', () => {
    const clock = new TestClock(new Date('2026-12-07T09:00:00Z'));
    clock.advance(60_000);
    expect(Math.abs(clock.now().getTime() - Date.parse('2026-12-07T09:01:00Z'))).toBeLessThan(1_000);
  });

  it('fires due timers on advance and not before', () => {
    const clock = new TestClock(new Date('2026-12-07T09:00:00Z'));
    const fired: string[] = [];
    clock.setTimer(10_000, () => fired.push('ten'));
    clock.setTimer(60_000, () => fired.push('sixty'));
    clock.advance(9_000);
    expect(fired).toEqual([]);
    clock.advance(2_000);
    expect(fired).toEqual(['ten']);
    clock.set(new Date('2026-12-07T10:00:00Z'));
    expect(fired).toEqual(['ten', 'sixty']);
  });

  it('does not fire a cancelled timer', () => {
    const clock = new TestClock();
    let fired = false;
    const cancel = clock.setTimer(1_000, () => (fired = true));
    cancel();
    clock.advance(5_000);
    expect(fired).toBe(false);
  });
});

describe('microTime', () => {
  it('formats six fraction digits', () => {
    expect(microTime(new Date('2026-12-07T09:00:00.123Z'))).toBe('2026-12-07T09:00:00.123000Z');
  });
});
