import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'winston';
import type { CacheReader, InformerCache } from './cache.ts';
import type { KubeClient } from './client.ts';
import type { Clock } from './clock.ts';
import type { ControllerDefinition } from './controller.ts';
import { describeError, isConflict, NotLeaderError } from './errors.ts';
import type { EventRecorder } from './events.ts';
import type { OperatorMetrics } from './metrics.ts';
import { keyOf, parseKey, type KubeObject } from './objects.ts';
import { WorkQueue, type ProcessOutcome } from './queue.ts';

/** Shared services a controller runner needs from the manager. */
export interface RunnerServices {
  client: KubeClient;
  cache: InformerCache;
  events: EventRecorder;
  clock: Clock;
  logger: Logger;
  metrics: OperatorMetrics;
  concurrency: number;
}

/** Runs one controller: wires its watches to a work queue and calls reconcile for each key. */
export class ControllerRunner {
  readonly definition: ControllerDefinition;
  private readonly services: RunnerServices;
  private readonly queue: WorkQueue;
  private readonly logger: Logger;

  constructor(definition: ControllerDefinition, services: RunnerServices) {
    this.definition = definition;
    this.services = services;
    this.logger = services.logger.child({ controller: definition.name });
    this.queue = new WorkQueue({
      concurrency: definition.concurrency ?? services.concurrency,
      clock: services.clock,
      process: (key) => this.reconcileKey(key),
      onDepthChange: (depth) => services.metrics.queueDepth.set({ controller: definition.name }, depth),
    });
    this.registerWatches();
  }

  /** Starts reconciling: every cached primary object is queued once. */
  start(): void {
    for (const object of this.services.cache.list(this.definition.for)) this.enqueue(object);
    this.queue.start();
  }

  /** Stops taking keys; reconciles in flight finish (their writes fail once the write gate closes). */
  stop(): void {
    this.queue.stop();
  }

  /** Resolves when no reconcile is running. */
  drain(): Promise<void> {
    return this.queue.drain();
  }

  private registerWatches(): void {
    const { cache } = this.services;
    const enqueueObject = (object: KubeObject): void => this.enqueue(object);
    const skipStatusOnly = this.definition.ignoreStatusUpdates === true;
    cache.watch(this.definition.for, {
      onAdd: enqueueObject,
      onUpdate: (old, o) => {
        if (!skipStatusOnly || !onlyStatusChanged(old, o)) enqueueObject(o);
      },
      onDelete: enqueueObject,
    });
    for (const type of this.definition.owns ?? []) {
      const enqueueOwner = (object: KubeObject): void => this.enqueueOwner(object);
      cache.watch(type, { onAdd: enqueueOwner, onUpdate: (_, o) => enqueueOwner(o), onDelete: enqueueOwner });
    }
    for (const watch of this.definition.watches ?? []) {
      const enqueueMapped = (object: KubeObject): void => {
        for (const key of watch.map(object, cache as CacheReader)) this.queue.add(keyOf(key));
      };
      cache.watch(watch.type, { onAdd: enqueueMapped, onUpdate: (_, o) => enqueueMapped(o), onDelete: enqueueMapped });
    }
    for (const type of this.definition.reads ?? []) cache.watch(type);
  }

  private enqueue(object: KubeObject): void {
    this.queue.add(keyOf({ namespace: object.metadata?.namespace, name: object.metadata?.name }));
  }

  private enqueueOwner(object: KubeObject): void {
    const primary = this.definition.for;
    const owner = object.metadata?.ownerReferences?.find(
      (ref) => ref.controller === true && ref.kind === primary.kind && ref.apiVersion.startsWith(`${primary.group}/`),
    );
    if (owner !== undefined) this.queue.add(keyOf({ namespace: object.metadata?.namespace, name: owner.name }));
  }

  private async reconcileKey(key: string): Promise<ProcessOutcome> {
    const request = parseKey(key);
    const reconcileId = randomUUID();
    const log = this.logger.child({ namespace: request.namespace, name: request.name, reconcileId });
    const { client, cache, events, clock, metrics } = this.services;
    const controller = this.definition.name;
    const started = performance.now();
    try {
      const result = await this.definition.reconcile(request, { client, cache, events, clock, log, reconcileId });
      const delayMs = result?.requeueAfterMs;
      metrics.reconciles.inc({ controller, result: delayMs === undefined ? 'success' : 'requeue' });
      return delayMs === undefined ? { kind: 'done' } : { kind: 'requeueAfter', delayMs };
    } catch (error) {
      return this.handleFailure(error, log);
    } finally {
      metrics.reconcileDuration.observe({ controller }, (performance.now() - started) / 1000);
    }
  }

  private handleFailure(error: unknown, log: Logger): ProcessOutcome {
    const controller = this.definition.name;
    if (error instanceof NotLeaderError) {
      log.debug('Reconcile stopped because leadership was lost');
      return { kind: 'done' };
    }
    if (isConflict(error)) {
      // The cache was behind the API server; the watch event that follows brings the newer object.
      log.debug('Reconcile hit a conflict; retrying with fresh data', { err: describeError(error) });
      this.services.metrics.reconciles.inc({ controller, result: 'conflict' });
      return { kind: 'requeueAfter', delayMs: 250 };
    }
    this.services.metrics.reconciles.inc({ controller, result: 'error' });
    this.services.metrics.reconcileErrors.inc({ controller });
    log.warn('Reconcile failed; retrying with backoff', { err: describeError(error) });
    return { kind: 'retry' };
  }
}

/** Reports whether an update changed only the object's status and bookkeeping, which a reconcile does not read. */
export function onlyStatusChanged(before: KubeObject, after: KubeObject): boolean {
  const a = before.metadata ?? {};
  const b = after.metadata ?? {};
  return (
    a.generation !== undefined &&
    a.generation === b.generation &&
    a.deletionTimestamp === b.deletionTimestamp &&
    isDeepStrictEqual(a.labels ?? {}, b.labels ?? {}) &&
    isDeepStrictEqual(a.annotations ?? {}, b.annotations ?? {}) &&
    isDeepStrictEqual(a.finalizers ?? [], b.finalizers ?? [])
  );
}
