import type { Logger } from 'winston';
import { apiVersionOf, type ResourceType } from '../api/resources.ts';
import { backoffDelayMs, sleep, type BackoffSettings } from './backoff.ts';
import type { KubeClient } from './client.ts';
import { describeError, isGone } from './errors.ts';
import { objectKeyString, type KubeObject } from './objects.ts';
import { watchResource, type WatchEvent } from './watch.ts';

/** Callbacks of an informer. Handlers must not throw; they usually just add keys to a work queue. */
export interface InformerHandler<T extends KubeObject> {
  onAdd?(object: T): void;
  onUpdate?(previous: T, object: T): void;
  onDelete?(object: T): void;
}

/** Options of an {@link Informer}. */
export interface InformerOptions {
  client: KubeClient;
  type: ResourceType;
  /** Namespace to watch; undefined watches all namespaces. */
  namespace?: string;
  labelSelector?: string;
  logger: Logger;
  /** Reconnect backoff after a failed list or watch. Default 500 ms doubling to 30 s. */
  backoff?: BackoffSettings;
  /** Server-side timeout of each watch request. Default a random 5 to 10 minutes. */
  watchTimeoutSeconds?: () => number;
  /** Called on each restart of the list or watch, with the reason: Gone, Error or Closed. */
  onRestart?: (reason: 'Gone' | 'Error' | 'Closed') => void;
}

const pageSize = 500;

/**
 * Keeps an in-memory copy of one resource type (in one namespace or all) and reports changes.
 * It lists, then watches from the list's resourceVersion with bookmarks. A 410 Gone makes it list
 * again (reporting deletions that happened meanwhile); any other error makes it reconnect after
 * an exponential backoff, from the last resourceVersion it saw. It never gives up until stopped.
 */
export class Informer<T extends KubeObject> {
  private readonly options: InformerOptions;
  private readonly store = new Map<string, T>();
  private readonly handlers: InformerHandler<T>[] = [];
  private readonly abort = new AbortController();
  private resourceVersion: string | undefined;
  private synced = false;
  private syncWaiters: (() => void)[] = [];
  private loop: Promise<void> | undefined;

  constructor(options: InformerOptions) {
    this.options = options;
  }

  /** Adds a handler; objects already in the store are reported to it as additions. */
  addHandler(handler: InformerHandler<T>): void {
    this.handlers.push(handler);
    for (const object of this.store.values()) handler.onAdd?.(object);
  }

  /** Starts the list and watch loop in the background. */
  start(): void {
    this.loop ??= this.run();
  }

  /** Stops watching and waits for the loop to end. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  /** Whether the first list has completed. */
  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves once the first list has completed. */
  waitForSync(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  /** The cached object with this namespace/name key. */
  get(key: string): T | undefined {
    return this.store.get(key);
  }

  /** All cached objects. */
  list(): T[] {
    return [...this.store.values()];
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.abort.signal.aborted) {
      try {
        if (this.resourceVersion === undefined) await this.relist();
        failures = 0;
        const startedMs = Date.now();
        await this.watch();
        this.options.onRestart?.('Closed');
        // A stream that ends at once (a proxy closing it, a server shutting down) would otherwise
        // make this loop reconnect without pause.
        if (Date.now() - startedMs < 1_000) await sleep(1_000, this.abort.signal);
      } catch (error) {
        if (this.abort.signal.aborted) return;
        if (isGone(error)) {
          this.options.logger.info('Watch expired; listing again', { resourceVersion: this.resourceVersion });
          this.resourceVersion = undefined;
          this.options.onRestart?.('Gone');
          continue;
        }
        failures += 1;
        const delayMs = backoffDelayMs(failures, this.options.backoff ?? { baseMs: 500, maxMs: 30_000, jitter: 0.2 });
        this.options.logger.warn('List or watch failed; retrying', { err: describeError(error), delayMs, failures });
        this.options.onRestart?.('Error');
        await sleep(delayMs, this.abort.signal);
      }
    }
  }

  private async relist(): Promise<void> {
    const { client, type, namespace, labelSelector } = this.options;
    const seen = new Map<string, T>();
    let continueToken: string | undefined;
    let resourceVersion: string | undefined;
    do {
      const page = await client.list<T>(type, namespace, { labelSelector, limit: pageSize, continue: continueToken });
      for (const item of page.items) {
        const object = withoutManagedFields({ ...item, apiVersion: apiVersionOf(type), kind: type.kind });
        seen.set(objectKeyString(object), object);
      }
      continueToken = page.metadata?.continue || undefined;
      resourceVersion = page.metadata?.resourceVersion;
    } while (continueToken !== undefined);
    if (resourceVersion === undefined) throw new Error(`the list of ${type.plural} returned no resourceVersion`);
    this.replace(seen);
    this.resourceVersion = resourceVersion;
    this.markSynced();
  }

  private replace(seen: Map<string, T>): void {
    for (const [key, previous] of this.store) {
      if (!seen.has(key)) {
        this.store.delete(key);
        this.emit((handler) => handler.onDelete?.(previous));
      }
    }
    for (const [key, object] of seen) this.upsert(key, object);
  }

  private async watch(): Promise<void> {
    const timeoutSeconds = this.options.watchTimeoutSeconds?.() ?? 300 + Math.floor(Math.random() * 300);
    await watchResource<T>(
      this.options.client,
      this.options.type,
      {
        namespace: this.options.namespace,
        labelSelector: this.options.labelSelector,
        resourceVersion: this.resourceVersion ?? '0',
        timeoutSeconds,
        signal: this.abort.signal,
      },
      (event) => this.apply(event),
    );
  }

  private apply(event: WatchEvent<T>): void {
    const version = event.object.metadata?.resourceVersion;
    if (event.type === 'BOOKMARK') {
      this.resourceVersion = version ?? this.resourceVersion;
      return;
    }
    const type = this.options.type;
    const object = withoutManagedFields({ ...event.object, apiVersion: apiVersionOf(type), kind: type.kind });
    const key = objectKeyString(object);
    if (event.type === 'DELETED') {
      this.store.delete(key);
      this.emit((handler) => handler.onDelete?.(object));
    } else {
      this.upsert(key, object);
    }
    this.resourceVersion = version ?? this.resourceVersion;
  }

  private upsert(key: string, object: T): void {
    const previous = this.store.get(key);
    if (previous?.metadata?.resourceVersion === object.metadata?.resourceVersion && previous !== undefined) return;
    this.store.set(key, object);
    if (previous === undefined) this.emit((handler) => handler.onAdd?.(object));
    else this.emit((handler) => handler.onUpdate?.(previous, object));
  }

  private emit(call: (handler: InformerHandler<T>) => void): void {
    for (const handler of this.handlers) {
      try {
        call(handler);
      } catch (error) {
        this.options.logger.error('Informer handler failed', { err: describeError(error) });
      }
    }
  }

  private markSynced(): void {
    if (this.synced) return;
    this.synced = true;
    for (const resolve of this.syncWaiters) resolve();
    this.syncWaiters = [];
  }
}

/** Drops metadata.managedFields, which the operator never reads and which doubles the cache's memory. */
function withoutManagedFields<T extends KubeObject>(object: T): T {
  if (object.metadata?.managedFields === undefined) return object;
  const { managedFields: _managedFields, ...metadata } = object.metadata;
  return { ...object, metadata };
}
