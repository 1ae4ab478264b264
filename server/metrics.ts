import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Usage figures of one connection pool, read when /metrics is scraped. */
export interface PoolUsage {
  readonly used: number;
  readonly free: number;
  readonly pendingAcquires: number;
  readonly max: number;
}

/** The server's Prometheus metrics, all in one registry owned by one app instance. */
export interface Metrics {
  readonly registry: Registry;
  readonly requestDuration: Histogram<'method' | 'route' | 'status'>;
  readonly requestsInFlight: Gauge;
  readonly commandOutcomes: Counter<'interpreter' | 'outcome'>;
  readonly databaseUp: Gauge;
}

/**
 * Creates the registry with the default process metrics, HTTP request
 * metrics, command interpreter outcomes and pool gauges that read `pools`
 * (keyed by role, e.g. `primary` and `replica`) at scrape time.
 */
export function createMetrics(pools: () => Record<string, PoolUsage | undefined>): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const requestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Duration of HTTP requests in seconds, by method, route template and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const requestsInFlight = new Gauge({
    name: 'http_requests_in_flight',
    help: 'HTTP requests being served now.',
    registers: [registry],
  });
  const commandOutcomes = new Counter({
    name: 'planner_command_interpretations_total',
    help: 'Commands interpreted, by interpreter (embedded, llm) and outcome (planned, executed, fallback, rejected).',
    labelNames: ['interpreter', 'outcome'] as const,
    registers: [registry],
  });
  const databaseUp = new Gauge({
    name: 'planner_database_up',
    help: '1 when the last database check succeeded and the schema is current, else 0.',
    registers: [registry],
  });

  const poolGauge = (name: string, help: string, read: (usage: PoolUsage) => number): void => {
    new Gauge({
      name,
      help,
      labelNames: ['pool'] as const,
      registers: [registry],
      collect() {
        for (const [pool, usage] of Object.entries(pools())) {
          if (usage !== undefined) this.set({ pool }, read(usage));
        }
      },
    });
  };
  poolGauge('planner_db_pool_connections_used', 'Database connections lent out, by pool.', (usage) => usage.used);
  poolGauge('planner_db_pool_connections_free', 'Idle database connections, by pool.', (usage) => usage.free);
  poolGauge(
    'planner_db_pool_pending_acquires',
    'Queries waiting for a database connection, by pool.',
    (usage) => usage.pendingAcquires,
  );
  poolGauge('planner_db_pool_connections_max', 'Maximum size of each database pool.', (usage) => usage.max);

  return { registry, requestDuration, requestsInFlight, commandOutcomes, databaseUp };
}
