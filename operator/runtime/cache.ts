import type { Logger } from 'winston';
import { apiVersionOf, type ResourceType } from '../api/resources.ts';
import type { KubeClient } from './client.ts';
import { Informer, type InformerHandler } from './informer.ts';
import { keyOf, type KubeObject } from './objects.ts';

/** Options of an {@link InformerCache}. */
export interface InformerCacheOptions {
  client: KubeClient;
  /** Namespaces to watch; empty watches all namespaces with one watch per type. */
  namespaces: readonly string[];
  logger: Logger;
  onWatchRestart?: (type: ResourceType, reason: string) => void;
}

/**
 * Read access to cached objects, shared by all controllers. Reads never reach the API server, so
 * they may lag it by the watch latency; writes use optimistic concurrency to stay correct.
 */
export interface CacheReader {
  get<T extends KubeObject>(type: ResourceType, namespace: string, name: string): T | undefined;
  /** Cached objects of a type, in one namespace or (namespace undefined) in all watched ones. */
  list<T extends KubeObject>(type: ResourceType, namespace?: string): T[];
}

/**
 * One set of informers per resource type, covering the configured namespaces. Controllers declare
 * the types they need before start; the cache starts each informer once and shares it.
 */
export class InformerCache implements CacheReader {
  private readonly options: InformerCacheOptions;
  private readonly informers = new Map<string, Map<string, Informer<KubeObject>>>();
  private started = false;

  constructor(options: InformerCacheOptions) {
    this.options = options;
  }

  /** Namespaces this cache covers; an empty list means all. */
  get namespaces(): readonly string[] {
    return this.options.namespaces;
  }

  /** Whether the cache covers objects of namespace. */
  covers(namespace: string): boolean {
    return this.options.namespaces.length === 0 || this.options.namespaces.includes(namespace);
  }

  /** Registers interest in a type and adds a handler for its changes in every covered namespace. */
  watch<T extends KubeObject>(type: ResourceType, handler?: InformerHandler<T>): void {
    for (const informer of this.informersFor(type).values()) {
      if (handler !== undefined) (informer as unknown as Informer<T>).addHandler(handler);
      if (this.started) informer.start();
    }
  }

  /** Starts every informer and resolves once each has listed once. */
  async start(): Promise<void> {
    this.started = true;
    const all = [...this.informers.values()].flatMap((byNamespace) => [...byNamespace.values()]);
    for (const informer of all) informer.start();
    await Promise.all(all.map((informer) => informer.waitForSync()));
  }

  /** Whether every informer has listed once. */
  hasSynced(): boolean {
    return [...this.informers.values()].every((byNamespace) =>
      [...byNamespace.values()].every((informer) => informer.hasSynced()),
    );
  }

  /** Stops every informer. */
  async stop(): Promise<void> {
    const all = [...this.informers.values()].flatMap((byNamespace) => [...byNamespace.values()]);
    await Promise.all(all.map((informer) => informer.stop()));
  }

  get<T extends KubeObject>(type: ResourceType, namespace: string, name: string): T | undefined {
    const byNamespace = this.informers.get(typeKey(type));
    const informer = byNamespace?.get(namespace) ?? byNamespace?.get('');
    return informer?.get(keyOf({ namespace, name })) as T | undefined;
  }

  list<T extends KubeObject>(type: ResourceType, namespace?: string): T[] {
    const byNamespace = this.informers.get(typeKey(type));
    if (byNamespace === undefined) return [];
    const objects = [...byNamespace.values()].flatMap((informer) => informer.list()) as T[];
    return namespace === undefined ? objects : objects.filter((object) => object.metadata?.namespace === namespace);
  }

  private informersFor(type: ResourceType): Map<string, Informer<KubeObject>> {
    const key = typeKey(type);
    let byNamespace = this.informers.get(key);
    if (byNamespace !== undefined) return byNamespace;
    byNamespace = new Map();
    const scopes = this.options.namespaces.length === 0 || !type.namespaced ? [''] : this.options.namespaces;
    for (const namespace of scopes) {
      const informer = new Informer<KubeObject>({
        client: this.options.client,
        type,
        namespace: namespace === '' ? undefined : namespace,
        logger: this.options.logger.child({ resource: type.plural, watchNamespace: namespace || '*' }),
        onRestart: (reason) => this.options.onWatchRestart?.(type, reason),
      });
      byNamespace.set(namespace, informer);
    }
    this.informers.set(key, byNamespace);
    return byNamespace;
  }
}

function typeKey(type: ResourceType): string {
  return `${apiVersionOf(type)}/${type.plural}`;
}
