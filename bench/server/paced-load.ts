/**
 * An open-loop load generator for latency at a fixed rate. Requests are scheduled at even
 * intervals (request i at start + i / rate) and sent when due, whatever earlier requests are
 * doing, over a keep-alive pool of at most `maxSockets` connections. Each latency is measured
 * from the request's scheduled time, so a stall delays the requests queued behind it and shows in
 * the percentiles instead of lowering the rate.
 *
 * autocannon's rate option does not pace like this. Each connection sends back to back until it
 * has used its share of the second, then waits for the next second. A run at half the maximum
 * rate is therefore a burst at full speed followed by a pause.
 */
import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** Settings of a paced run: the request to send, its rate and the run's length. */
export interface PacedLoadOptions {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Requests per second. */
  readonly rate: number;
  readonly durationSeconds: number;
  /** Seconds at the start whose requests are sent but not measured, while connections open and code warms up. */
  readonly warmupSeconds?: number;
  /** Connections open at most; a request due while all are busy waits for one. */
  readonly maxSockets: number;
  /** Called with each measured request's scheduled time (ms after the start) and its latency, for finding stalls. */
  readonly onSample?: (scheduledMs: number, latencyMs: number) => void;
  /** Per-request timeout in milliseconds; a timed-out request counts as an error. */
  readonly timeoutMs?: number;
}

/** Latency percentiles in milliseconds and the counts of a paced run. */
export interface PacedLoadResult {
  readonly sent: number;
  readonly completed: number;
  readonly errors: number;
  readonly non2xx: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Maximum delay of this process's own event loop, in milliseconds; a delay here holds back sends and inflates latencies. */
  readonly generatorMaxStallMs: number;
}

function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}

/** Sends rate × durationSeconds requests at even intervals and reports their latencies. */
export async function runPacedLoad(options: PacedLoadOptions): Promise<PacedLoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets, noDelay: true } as http.AgentOptions);
  const warmup = Math.round(options.rate * (options.warmupSeconds ?? 0));
  const total = warmup + Math.round(options.rate * options.durationSeconds);
  const intervalMs = 1000 / options.rate;
  const latencies: number[] = [];
  let errors = 0;
  let non2xx = 0;
  const inFlight: Promise<void>[] = [];

  const send = (scheduledMs: number, measured: boolean): Promise<void> =>
    new Promise((resolve) => {
      const request = http.request(
        options.url,
        { method: options.method, headers: options.headers, agent, timeout: options.timeoutMs ?? 10_000 },
        (response) => {
          response.resume();
          response.once('end', () => {
            if (measured && (response.statusCode ?? 0) >= 300) non2xx += 1;
            if (measured) {
              latencies.push(performance.now() - scheduledMs);
              options.onSample?.(scheduledMs - started, performance.now() - scheduledMs);
            }
            resolve();
          });
        },
      );
      request.once('timeout', () =>
        request.destroy(new Error(`request to ${options.url} timed out after ${options.timeoutMs ?? 10_000} ms`)),
      );
      request.once('error', () => {
        if (measured) errors += 1;
        resolve();
      });
      request.end(options.body);
    });

  const stalls = monitorEventLoopDelay({ resolution: 1 });
  let measuring = false;
  const started = performance.now();
  let next = 0;
  while (next < total) {
    const now = performance.now();
    if (!measuring && next >= warmup) {
      measuring = true;
      stalls.enable();
    }
    while (next < total && started + next * intervalMs <= now) {
      inFlight.push(send(started + next * intervalMs, next >= warmup));
      next += 1;
    }
    const waitMs = started + next * intervalMs - performance.now();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, waitMs)));
  }
  await Promise.all(inFlight);
  stalls.disable();
  agent.destroy();

  const sorted = [...latencies].sort((a, b) => a - b);
  const round = (value: number): number => Math.round(value * 10) / 10;
  return {
    sent: total - warmup,
    completed: latencies.length,
    errors,
    non2xx,
    p50Ms: round(percentile(sorted, 0.5)),
    p90Ms: round(percentile(sorted, 0.9)),
    p99Ms: round(percentile(sorted, 0.99)),
    maxMs: round(sorted.at(-1) ?? Number.NaN),
    generatorMaxStallMs: round(stalls.max / 1e6),
  };
}
