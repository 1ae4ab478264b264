import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The operator's Prometheus metrics, in a registry of their own so that several managers can run in
 * one process (as the integration tests do). Controllers may register more metrics in `registry`.
 */
export class OperatorMetrics {
  readonly registry = new Registry();

  /** Reconciles finished, by controller and result (success, requeue, error). */
  readonly reconciles = new Counter({
    name: 'planner_operator_reconcile_total',
    help: 'Reconciles finished, by controller and result.',
    labelNames: ['controller', 'result'],
    registers: [this.registry],
  });

  /** Reconciles that ended in an error, by controller. */
  readonly reconcileErrors = new Counter({
    name: 'planner_operator_reconcile_errors_total',
    help: 'Reconciles that ended in an error, by controller.',
    labelNames: ['controller'],
    registers: [this.registry],
  });

  /** Wall time of reconciles, by controller. */
  readonly reconcileDuration = new Histogram({
    name: 'planner_operator_reconcile_duration_seconds',
    help: 'Wall time of reconciles in seconds, by controller.',
    labelNames: ['controller'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  /** Keys waiting in each controller's work queue. */
  readonly queueDepth = new Gauge({
    name: 'planner_operator_workqueue_depth',
    help: 'Keys waiting in the work queue, by controller.',
    labelNames: ['controller'],
    registers: [this.registry],
  });

  /** 1 while this replica holds the leader lease (or runs without leader election), else 0. */
  readonly leader = new Gauge({
    name: 'planner_operator_leader',
    help: '1 while this replica is the leader, else 0.',
    registers: [this.registry],
  });

  /** Requests sent to the API server, by verb (GET, WATCH, POST, PUT, PATCH, APPLY, DELETE) and status code. */
  readonly apiRequests = new Counter({
    name: 'planner_operator_api_requests_total',
    help: 'Requests sent to the Kubernetes API server, by verb and status code.',
    labelNames: ['verb', 'code'],
    registers: [this.registry],
  });

  /** Restarts of list-and-watch loops, by resource and reason (Gone, Error, Closed). */
  readonly watchRestarts = new Counter({
    name: 'planner_operator_watch_restarts_total',
    help: 'Restarts of list-and-watch loops, by resource and reason.',
    labelNames: ['resource', 'reason'],
    registers: [this.registry],
  });

  /** Adds Node's process metrics (memory, CPU, event loop lag) to the registry. */
  collectProcessMetrics(): void {
    collectDefaultMetrics({ register: this.registry, prefix: 'planner_operator_' });
  }
}
