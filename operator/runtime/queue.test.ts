import { describe, expect, it } from '@jest/globals';
import { TestClock } from './clock.ts';
import { WorkQueue, type ProcessOutcome } from './queue.ts';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('WorkQueue', () => {
  it('processes a key added many times once', async () => {
    const seen: string[] = [];
    const queue = new WorkQueue({
      concurrency: 2,
      clock: new TestClock(),
      process: async (key) => (seen.push(key), { kind: 'done' }),
    });
    queue.add('a');
    queue.add('a');
    queue.add('b');
    queue.add('a');
    queue.start();
    await tick();
    expect(seen).toEqual(['a', 'b']);
  });

  it('never runs one key twice at once and reruns it when added meanwhile', async () => {
    const gate = deferred();
    let running = 0;
    let maxRunning = 0;
    let calls = 0;
    const queue = new WorkQueue({
      concurrency: 4,
      clock: new TestClock(),
      process: async () => {
        calls += 1;
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        if (calls === 1) await gate.promise;
        running -= 1;
        return { kind: 'done' };
      },
    });
    queue.start();
    queue.add('a');
    await tick();
    queue.add('a');
    queue.add('a');
    await tick();
    expect(calls).toBe(1);
    gate.resolve();
    await tick();
    await tick();
    expect(calls).toBe(2);
    expect(maxRunning).toBe(1);
  });

  it('limits concurrency', async () => {
    const gate = deferred();
    let running = 0;
    let maxRunning = 0;
    const queue = new WorkQueue({
      concurrency: 2,
      clock: new TestClock(),
      process: async () => {
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        await gate.promise;
        running -= 1;
        return { kind: 'done' };
      },
    });
    queue.start();
    for (const key of ['a', 'b', 'c', 'd']) queue.add(key);
    await tick();
    expect(running).toBe(2);
    expect(queue.depth).toBe(2);
    gate.resolve();
    await queue.drain();
    await tick();
    expect(maxRunning).toBe(2);
  });

  it('retries failures with growing backoff and resets after success', async () => {
    const clock = new TestClock();
    const outcomes: ProcessOutcome[] = [{ kind: 'retry' }, { kind: 'retry' }, { kind: 'done' }];
    let calls = 0;
    const queue = new WorkQueue({
      concurrency: 1,
      clock,
      backoff: { baseMs: 1_000, maxMs: 60_000 },
      process: async () => {
        calls += 1;
        const outcome = outcomes.shift();
        if (outcome === undefined) throw new Error('unexpected call');
        return outcome;
      },
    });
    queue.start();
    queue.add('a');
    await tick();
    expect(calls).toBe(1);
    expect(queue.failureCount('a')).toBe(1);
    // Margins of 100 ms absorb the real time that passes while the test runs.
    clock.advance(900);
    await tick();
    expect(calls).toBe(1);
    clock.advance(100);
    await tick();
    expect(calls).toBe(2);
    clock.advance(1_900);
    await tick();
    expect(calls).toBe(2);
    clock.advance(100);
    await tick();
    expect(calls).toBe(3);
    expect(queue.failureCount('a')).toBe(0);
  });

  it('treats a thrown error as a retry', async () => {
    const clock = new TestClock();
    let calls = 0;
    const queue = new WorkQueue({
      concurrency: 1,
      clock,
      process: async () => {
        calls += 1;
        if (calls === 1) throw new Error('boom');
        return { kind: 'done' };
      },
    });
    queue.start();
    queue.add('a');
    await tick();
    clock.advance(1_000);
    await tick();
    expect(calls).toBe(2);
  });

  it('requeues after the asked delay and keeps the earliest', async () => {
    const clock = new TestClock();
    let calls = 0;
    const queue = new WorkQueue({ concurrency: 1, clock, process: async () => (calls++, { kind: 'done' }) });
    queue.start();
    queue.addAfter('a', 5_000);
    queue.addAfter('a', 10_000);
    clock.advance(4_900);
    await tick();
    expect(calls).toBe(0);
    clock.advance(100);
    await tick();
    expect(calls).toBe(1);
    clock.advance(10_000);
    await tick();
    expect(calls).toBe(1);
  });

  it('drops waiting keys and timers on stop', async () => {
    const clock = new TestClock();
    let calls = 0;
    const queue = new WorkQueue({ concurrency: 1, clock, process: async () => (calls++, { kind: 'done' }) });
    queue.add('a');
    queue.addAfter('b', 1_000);
    queue.stop();
    queue.start();
    clock.advance(2_000);
    await tick();
    expect(calls).toBe(0);
  });
});
