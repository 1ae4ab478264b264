import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'winston';
import { InformerCache } from './cache.ts';
import { KubeClient } from './client.ts';
import { systemClock, type Clock } from './clock.ts';
import type { ControllerDefinition } from './controller.ts';
import { KubeEventRecorder, type EventRecorder } from './events.ts';
import { metricsRoute, parseBindAddress, probeRoute, serveRoutes, type HttpEndpoint } from './http.ts';
import { LeaderElector } from './leader.ts';
import { OperatorMetrics } from './metrics.ts';
import { ControllerRunner } from './runner.ts';

/** Leader election settings; see {@link LeaderElector} for the meaning of the durations. */
export interface LeaderElectionSettings {
  enabled: boolean;
  /** Namespace of the Lease. */
  namespace: string;
  /** Name of the Lease. */
  id: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

/** Options of a {@link Manager}. */
export interface ManagerOptions {
  kubeConfig: KubeConfig;
  logger: Logger;
  /** Namespaces to watch and act in; empty or omitted means all namespaces. */
  namespaces?: readonly string[];
  /** Default number of reconciles running at once per controller. Default 4. */
  concurrency?: number;
  leaderElection?: LeaderElectionSettings;
  /** Bind address of /metrics, such as `:8080`; `0` or omitted disables it. */
  metricsAddress?: string;
  /** Bind address of /healthz and /readyz, such as `:8081`; `0` or omitted disables it. */
  healthAddress?: string;
  /** Clock for reconcile decisions and requeues. Default the system clock. */
  clock?: Clock;
  /** Identity in the leader Lease and in Events. Default host name plus a random suffix. */
  identity?: string;
  /** Also export Node's process metrics. Default false. */
  processMetrics?: boolean;
}

/**
 * Runs controllers: one shared informer cache, a client whose writes are allowed only while this
 * replica leads, Events, metrics, probes and leader election. Register controllers, then start.
 *
 * Lifecycle: start() serves the probes and fills the cache, which makes readyz pass, then campaigns
 * for the lease. Controllers run only while this replica leads and stop at once when the lease is
 * lost. stop() stops the controllers, waits for reconciles in flight, sends queued Events, releases
 * the lease and closes the watches.
 */
export class Manager {
  readonly client: KubeClient;
  readonly cache: InformerCache;
  readonly events: EventRecorder;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics = new OperatorMetrics();
  readonly identity: string;
  private readonly options: ManagerOptions;
  private readonly runners: ControllerRunner[] = [];
  private readonly elector: LeaderElector | undefined;
  private metricsEndpoint: HttpEndpoint | undefined;
  private healthEndpoint: HttpEndpoint | undefined;
  private controllersRunning = false;
  private stopping = false;
  private started = false;

  constructor(options: ManagerOptions) {
    this.options = options;
    this.logger = options.logger;
    this.clock = options.clock ?? systemClock;
    this.identity = options.identity ?? `${hostname()}_${randomBytes(4).toString('hex')}`;
    const observer = (verb: string, code: number): void => this.metrics.apiRequests.inc({ verb, code: String(code) });
    this.client = new KubeClient({ kubeConfig: options.kubeConfig, observer, writeGate: () => this.mayWrite() });
    this.cache = new InformerCache({
      client: this.client,
      namespaces: options.namespaces ?? [],
      logger: this.logger.child({ component: 'cache' }),
      onWatchRestart: (type, reason) => this.metrics.watchRestarts.inc({ resource: type.plural, reason }),
    });
    this.events = new KubeEventRecorder({
      client: this.client,
      clock: this.clock,
      logger: this.logger.child({ component: 'events' }),
      instance: this.identity,
    });
    this.elector = options.leaderElection?.enabled === true ? this.createElector(options.leaderElection) : undefined;
    if (options.processMetrics === true) this.metrics.collectProcessMetrics();
  }

  /**
   * Registers a controller. Call before start(); the controller's watched types are added to the
   * shared cache and it reconciles while this replica leads.
   */
  register(definition: ControllerDefinition): void {
    if (this.started) throw new Error(`controller ${definition.name} must be registered before the manager starts`);
    if (this.runners.some((runner) => runner.definition.name === definition.name)) {
      throw new Error(`a controller named ${definition.name} is already registered`);
    }
    this.runners.push(
      new ControllerRunner(definition, {
        client: this.client,
        cache: this.cache,
        events: this.events,
        clock: this.clock,
        logger: this.logger,
        metrics: this.metrics,
        concurrency: this.options.concurrency ?? 4,
      }),
    );
  }

  /** Returns whether this replica may write: it leads (or runs without election) and is not stopping. */
  mayWrite(): boolean {
    if (this.stopping) return false;
    return this.elector === undefined || this.elector.isLeader();
  }

  /** Returns whether controllers are running on this replica. */
  isLeader(): boolean {
    return this.controllersRunning;
  }

  /** Port of /metrics, when enabled. */
  get metricsPort(): number | undefined {
    return this.metricsEndpoint?.port;
  }

  /** Port of /healthz and /readyz, when enabled. */
  get healthPort(): number | undefined {
    return this.healthEndpoint?.port;
  }

  /** Serves probes and metrics, fills the cache, then starts controllers (after winning the lease). */
  async start(): Promise<void> {
    this.started = true;
    await this.serve();
    this.logger.info('Starting informers', { namespaces: this.cache.namespaces });
    await this.cache.start();
    this.logger.info('Informer caches synced');
    if (this.elector === undefined) this.startControllers();
    else this.elector.start();
  }

  /** Stops controllers, waits for reconciles in flight, releases the lease and closes everything. */
  async stop(): Promise<void> {
    this.logger.info('Stopping the manager');
    this.stopping = true;
    this.stopControllers();
    await Promise.all(this.runners.map((runner) => runner.drain()));
    await this.events.flush();
    await this.elector?.stop();
    await this.cache.stop();
    await this.metricsEndpoint?.close();
    await this.healthEndpoint?.close();
    this.client.close();
    this.logger.info('Manager stopped');
  }

  private startControllers(): void {
    if (this.controllersRunning || this.stopping) return;
    this.controllersRunning = true;
    this.metrics.leader.set(1);
    for (const runner of this.runners) runner.start();
    this.logger.info('Controllers started', { controllers: this.runners.map((runner) => runner.definition.name) });
  }

  private stopControllers(): void {
    if (!this.controllersRunning) return;
    this.controllersRunning = false;
    this.metrics.leader.set(0);
    for (const runner of this.runners) runner.stop();
    this.logger.info('Controllers stopped');
  }

  private createElector(settings: LeaderElectionSettings): LeaderElector {
    // The lease has its own client: it must write while the main client's gate is closed.
    // Its requests time out well within the renew deadline, so a hung request cannot outlast the lease.
    const renewDeadlineMs = settings.renewDeadlineMs ?? 10_000;
    const client = new KubeClient({ kubeConfig: this.options.kubeConfig, timeoutMs: Math.ceil(renewDeadlineMs / 2) });
    return new LeaderElector({
      client,
      namespace: settings.namespace,
      name: settings.id,
      identity: this.identity,
      logger: this.logger.child({ component: 'leader-election' }),
      leaseDurationMs: settings.leaseDurationMs,
      renewDeadlineMs: settings.renewDeadlineMs,
      retryPeriodMs: settings.retryPeriodMs,
      onStartedLeading: () => this.startControllers(),
      onStoppedLeading: () => this.stopControllers(),
    });
  }

  private async serve(): Promise<void> {
    const metrics = parseBindAddress(this.options.metricsAddress ?? '0');
    if (metrics !== undefined) {
      this.metricsEndpoint = await serveRoutes(metrics, { '/metrics': metricsRoute(this.metrics.registry) });
    }
    const health = parseBindAddress(this.options.healthAddress ?? '0');
    if (health !== undefined) {
      const healthz = probeRoute(() => (this.stopping ? 'stopping' : undefined));
      const readyz = probeRoute(() => (this.cache.hasSynced() ? undefined : 'informer caches not synced'));
      this.healthEndpoint = await serveRoutes(health, { '/healthz': healthz, '/readyz': readyz });
    }
  }
}
