/** Settings of an exponential backoff. */
export interface BackoffSettings {
  baseMs: number;
  maxMs: number;
  /** Fraction of the delay added at random, so many retries do not align. Default 0. */
  jitter?: number;
}

/**
 * Delay before retry number `failures` (1 for the first retry): baseMs doubled per earlier
 * failure, capped at maxMs, plus up to `jitter` of itself at random.
 */
export function backoffDelayMs(failures: number, settings: BackoffSettings, random = Math.random): number {
  const exponent = Math.max(0, failures - 1);
  const delay = Math.min(settings.baseMs * 2 ** Math.min(exponent, 30), settings.maxMs);
  return Math.round(delay * (1 + (settings.jitter ?? 0) * random()));
}

/** Resolves after ms, or at once when signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
