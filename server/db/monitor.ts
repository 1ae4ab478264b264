import type { Knex } from 'knex';
import type { Logger } from '../logger.ts';
import { databaseErrorCode } from './errors.ts';
import { readSchemaStatus, type SchemaStatus } from './migrations.ts';

/**
 * Maximum wait in {@link DatabaseMonitor.stop} for a check in flight: the pool's 5 s acquire timeout
 * (server/db/database.ts) plus time for the check's two short queries.
 */
const maxStopWaitMs = 8_000;

/** Result of one database check. */
export interface DatabaseReport {
  readonly reachable: boolean;
  readonly schema: SchemaStatus | undefined;
  /** Error code (SQLSTATE or network) of the last failure, when unreachable. */
  readonly errorCode: string | undefined;
  readonly checkedAt: Date;
}

/** Timing of the monitor's checks, in milliseconds. */
export interface MonitorTiming {
  /** Between checks while the database is reachable. */
  readonly healthyIntervalMs: number;
  /** First retry delay after a failure; doubles up to `maxBackoffMs`. */
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  /** Minimum time between two log lines about the same outage. */
  readonly logIntervalMs: number;
  /** Deadline of one check. */
  readonly checkTimeoutMs: number;
}

export const defaultMonitorTiming: MonitorTiming = {
  healthyIntervalMs: 5000,
  initialBackoffMs: 250,
  maxBackoffMs: 5000,
  logIntervalMs: 30_000,
  checkTimeoutMs: 2000,
};

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`${what} timed out`), { code: 'ETIMEDOUT' })), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Watches the primary database in the background. It checks that the
 * database is reachable and that no migration is pending, and retries with
 * exponential backoff while it is not. An outage is logged at most once per
 * `logIntervalMs` with the host and error code, and so is the recovery. The server stays up throughout and
 * reports readiness from the last result.
 */
export class DatabaseMonitor {
  readonly #knex: Knex;
  readonly #log: Logger;
  readonly #target: string;
  readonly #timing: MonitorTiming;
  #report: DatabaseReport = { reachable: false, schema: undefined, errorCode: undefined, checkedAt: new Date(0) };
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #backoffMs: number;
  #outageStartedAt: number | undefined;
  #lastOutageLogAt = 0;
  #failuresSinceLog = 0;
  #loggedPending = '';
  #inflight: Promise<void> | undefined;

  constructor(knex: Knex, log: Logger, target: string, timing: MonitorTiming = defaultMonitorTiming) {
    this.#knex = knex;
    this.#log = log;
    this.#target = target;
    this.#timing = timing;
    this.#backoffMs = timing.initialBackoffMs;
  }

  /** The last check's result. */
  get report(): DatabaseReport {
    return this.#report;
  }

  /** True when the last check reached the database and found no pending migration. */
  isReady(): boolean {
    return this.#report.reachable && this.#report.schema !== undefined && this.#report.schema.pending.length === 0;
  }

  /** Starts checking now and keeps checking until `stop`. */
  start(): void {
    this.#stopped = false;
    void this.#loop();
  }

  /**
   * Stops checking. Resolves once the check in flight has settled (at most {@link maxStopWaitMs}), so
   * that the caller can close the pool without a query still waiting for a connection.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    if (this.#inflight === undefined) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, maxStopWaitMs);
    });
    await Promise.race([this.#inflight, timeout]);
    clearTimeout(timer);
  }

  /** Runs one check now, records and returns its result. Failures are recorded, not thrown. */
  async check(): Promise<DatabaseReport> {
    // A timed-out check keeps running until its query settles; stop() waits for it.
    const work = (async () => {
      await this.#knex.raw('SELECT 1');
      return readSchemaStatus(this.#knex);
    })();
    this.#inflight = work.then(
      () => undefined,
      () => undefined,
    );
    try {
      const schema = await withTimeout(work, this.#timing.checkTimeoutMs, 'database check');
      this.#recordSuccess(schema);
    } catch (error) {
      this.#recordFailure(error);
    }
    return this.#report;
  }

  async #loop(): Promise<void> {
    if (this.#stopped) return;
    const report = await this.check();
    if (this.#stopped) return;
    let delay = this.#timing.healthyIntervalMs;
    if (!report.reachable) {
      delay = this.#backoffMs;
      this.#backoffMs = Math.min(this.#backoffMs * 2, this.#timing.maxBackoffMs);
    }
    this.#timer = setTimeout(() => void this.#loop(), delay);
    this.#timer.unref();
  }

  #recordSuccess(schema: SchemaStatus): void {
    if (this.#outageStartedAt !== undefined) {
      this.#log.info('Database reachable again', {
        database: this.#target,
        outageMs: Date.now() - this.#outageStartedAt,
        failedChecks: this.#failuresSinceLog,
      });
    }
    this.#outageStartedAt = undefined;
    this.#failuresSinceLog = 0;
    this.#lastOutageLogAt = 0;
    this.#backoffMs = this.#timing.initialBackoffMs;
    this.#report = { reachable: true, schema, errorCode: undefined, checkedAt: new Date() };
    this.#logSchema(schema);
  }

  #logSchema(schema: SchemaStatus): void {
    const key = schema.pending.join(',');
    if (key === this.#loggedPending) return;
    this.#loggedPending = key;
    if (schema.pending.length > 0) {
      this.#log.error('Database schema is behind: not serving the API until migrations run', {
        database: this.#target,
        pendingMigrations: schema.pending,
        fix: 'run planner-server migrate',
      });
    } else {
      this.#log.info('Database schema is current', { database: this.#target, applied: schema.applied.length });
    }
    if (schema.unknown.length > 0) {
      this.#log.warn('Database has migrations this version does not know', { unknownMigrations: schema.unknown });
    }
  }

  #recordFailure(error: unknown): void {
    const now = Date.now();
    const errorCode = databaseErrorCode(error) ?? (error instanceof Error ? error.name : 'unknown');
    this.#outageStartedAt ??= now;
    this.#failuresSinceLog += 1;
    this.#report = { reachable: false, schema: this.#report.schema, errorCode, checkedAt: new Date() };
    if (now - this.#lastOutageLogAt < this.#timing.logIntervalMs) return;
    this.#lastOutageLogAt = now;
    this.#log.warn('Database unreachable; retrying with backoff', {
      database: this.#target,
      code: errorCode,
      error: error instanceof Error ? error.message : String(error),
      failedChecks: this.#failuresSinceLog,
      nextRetryMs: this.#backoffMs,
    });
  }
}
