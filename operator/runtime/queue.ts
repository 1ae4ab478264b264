import { backoffDelayMs, type BackoffSettings } from './backoff.ts';
import type { CancelTimer, Clock } from './clock.ts';

/** What the processing of one key asks the queue to do next. */
export type ProcessOutcome =
  | { kind: 'done' }
  | { kind: 'requeueAfter'; delayMs: number }
  /** Retry with the key's exponential backoff. */
  | { kind: 'retry' };

/** Options of a {@link WorkQueue}. */
export interface WorkQueueOptions {
  /** Maximum keys processed at once. */
  concurrency: number;
  process: (key: string) => Promise<ProcessOutcome>;
  clock: Clock;
  /** Per-key retry backoff. Default 1 s doubling to 5 min. */
  backoff?: BackoffSettings;
  /** Called whenever the number of waiting keys changes. */
  onDepthChange?: (depth: number) => void;
}

/**
 * A queue of object keys with the guarantees controllers rely on: a key waits at most once however
 * often it is added; at most `concurrency` keys are processed at once and never one key twice at
 * once (a key added while it is processed runs again right after); failed keys come back after a
 * per-key exponential backoff; and a key can be added after a delay. Delayed adds keep only the
 * earliest time per key.
 */
export class WorkQueue {
  private readonly options: WorkQueueOptions;
  private readonly waiting: string[] = [];
  private readonly waitingSet = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Map<string, { dueMs: number; cancel: CancelTimer }>();
  private running = false;
  private idleWaiters: (() => void)[] = [];

  constructor(options: WorkQueueOptions) {
    this.options = options;
  }

  /** Starts processing. Keys added before start wait until then. */
  start(): void {
    this.running = true;
    this.pump();
  }

  /**
   * Stops taking keys and cancels delayed adds; keys in flight finish on their own. Waiting keys are
   * dropped, since a queue started again is refilled from the cache.
   */
  stop(): void {
    this.running = false;
    for (const timer of this.timers.values()) timer.cancel();
    this.timers.clear();
    this.waiting.length = 0;
    this.waitingSet.clear();
    this.dirty.clear();
    this.reportDepth();
  }

  /** Resolves when no key is being processed. */
  async drain(): Promise<void> {
    if (this.processing.size === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /** Adds a key now. */
  add(key: string): void {
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.waitingSet.has(key)) return;
    this.waitingSet.add(key);
    this.waiting.push(key);
    this.reportDepth();
    this.pump();
  }

  /** Adds a key after delayMs, unless an earlier delayed add of the key is already pending. */
  addAfter(key: string, delayMs: number): void {
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const dueMs = this.options.clock.now().getTime() + delayMs;
    const existing = this.timers.get(key);
    if (existing !== undefined && existing.dueMs <= dueMs) return;
    existing?.cancel();
    const cancel = this.options.clock.setTimer(delayMs, () => {
      this.timers.delete(key);
      this.add(key);
    });
    this.timers.set(key, { dueMs, cancel });
  }

  /** Number of keys waiting to be processed. */
  get depth(): number {
    return this.waiting.length;
  }

  /** Number of retries the key has had since it last succeeded. */
  failureCount(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  private pump(): void {
    while (this.running && this.processing.size < this.options.concurrency && this.waiting.length > 0) {
      const key = this.waiting.shift() as string;
      this.waitingSet.delete(key);
      this.processing.add(key);
      void this.runKey(key);
    }
    this.reportDepth();
  }

  private async runKey(key: string): Promise<void> {
    let outcome: ProcessOutcome;
    try {
      outcome = await this.options.process(key);
    } catch {
      outcome = { kind: 'retry' };
    }
    this.processing.delete(key);
    if (this.running) this.settle(key, outcome);
    if (this.dirty.delete(key) && this.running) this.add(key);
    if (this.processing.size === 0) {
      for (const resolve of this.idleWaiters) resolve();
      this.idleWaiters = [];
    }
    this.pump();
  }

  private settle(key: string, outcome: ProcessOutcome): void {
    if (outcome.kind === 'retry') {
      const failures = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, failures);
      this.addAfter(key, backoffDelayMs(failures, this.options.backoff ?? { baseMs: 1_000, maxMs: 300_000 }));
      return;
    }
    this.failures.delete(key);
    if (outcome.kind === 'requeueAfter') this.addAfter(key, outcome.delayMs);
  }

  private reportDepth(): void {
    this.options.onDepthChange?.(this.waiting.length);
  }
}
