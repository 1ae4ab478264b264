/** Cancels a timer created by {@link Clock.setTimer}. */
export type CancelTimer = () => void;

/**
 * Source of the current time and of timers for reconcile decisions. Production code uses
 * {@link systemClock}; tests inject a {@link TestClock} and move time forward instead of sleeping.
 */
export interface Clock {
  now(): Date;
  /** Calls fn once the clock has advanced by delayMs. */
  setTimer(delayMs: number, fn: () => void): CancelTimer;
}

/** The wall clock with Node's timers. */
export const systemClock: Clock = {
  now: () => new Date(),
  setTimer(delayMs, fn) {
    // Node caps timers at 2^31-1 ms; a longer delay would fire at once.
    const timer = setTimeout(fn, Math.min(Math.max(delayMs, 0), 2_147_483_647));
    timer.unref();
    return () => clearTimeout(timer);
  },
};

interface PendingTimer {
  dueMs: number;
  fn: () => void;
  cancelReal: () => void;
}

/**
 * A clock that runs with real time plus an offset that tests move forward with {@link TestClock.advance}.
 * Timers fire when real time reaches them or when an advance passes them, whichever is first.
 */
export class TestClock implements Clock {
  private offsetMs: number;
  private readonly timers = new Set<PendingTimer>();

  /** Starts the clock at start, or at the real time when start is omitted. */
  constructor(start?: Date) {
    this.offsetMs = start === undefined ? 0 : start.getTime() - Date.now();
  }

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  setTimer(delayMs: number, fn: () => void): CancelTimer {
    const pending: PendingTimer = { dueMs: this.now().getTime() + delayMs, fn, cancelReal: () => undefined };
    const cancel = systemClock.setTimer(delayMs, () => this.fire(pending));
    pending.cancelReal = cancel;
    this.timers.add(pending);
    return () => {
      this.timers.delete(pending);
      cancel();
    };
  }

  /** Moves the clock forward by ms and fires every timer that is now due. */
  advance(ms: number): void {
    this.offsetMs += ms;
    this.fireDue();
  }

  /** Sets the clock to time, which may be earlier than now, and fires every timer that is now due. */
  set(time: Date): void {
    this.offsetMs = time.getTime() - Date.now();
    this.fireDue();
  }

  private fireDue(): void {
    const nowMs = this.now().getTime();
    for (const pending of [...this.timers]) {
      if (pending.dueMs <= nowMs) this.fire(pending);
    }
  }

  private fire(pending: PendingTimer): void {
    if (!this.timers.delete(pending)) return;
    pending.cancelReal();
    pending.fn();
  }
}
