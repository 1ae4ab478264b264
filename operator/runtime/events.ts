import type { CoreV1Event } from '@kubernetes/client-node';
import type { Logger } from 'winston';
import { resourceTypes } from '../api/resources.ts';
import type { Clock } from './clock.ts';
import type { KubeClient } from './client.ts';
import { describeError } from './errors.ts';
import type { KubeObject } from './objects.ts';

/** Normal for expected transitions, Warning for problems someone may need to act on. */
export type EventType = 'Normal' | 'Warning';

/** Records Kubernetes Events about objects, for the people running `kubectl describe`. */
export interface EventRecorder {
  /** Records an Event; failures are logged, never thrown, because Events are best effort. */
  record(object: KubeObject, type: EventType, reason: string, message: string): Promise<void>;
  /** Resolves once every recorded Event has been sent or has failed. */
  flush(): Promise<void>;
}

interface SentEvent {
  name: string;
  namespace: string;
  count: number;
  firstTimestamp: string;
}

const correlationWindowMs = 10 * 60_000;
const maxTracked = 4096;
const maxPending = 1000;
/** Events sent at once. */
const senders = 2;

/**
 * Writes core/v1 Events. Repeats of the same event (object, type, reason and message) within ten
 * minutes update the count of the first one instead of creating another, as kubectl shows them.
 */
export class KubeEventRecorder implements EventRecorder {
  private readonly client: KubeClient;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly instance: string;
  private readonly sent = new Map<string, SentEvent & { lastMs: number }>();
  private readonly pending: (() => Promise<void>)[] = [];
  private active = 0;

  constructor(options: { client: KubeClient; clock: Clock; logger: Logger; instance: string }) {
    this.client = options.client;
    this.clock = options.clock;
    this.logger = options.logger;
    this.instance = options.instance;
  }

  /**
   * Queues the Event and returns at once, as client-go's recorder does, so Events never slow a
   * reconcile. At most 1,000 Events wait; more are dropped with a warning.
   */
  record(object: KubeObject, type: EventType, reason: string, message: string): Promise<void> {
    if (this.pending.length >= maxPending) {
      this.logger.warn('Event dropped because too many are waiting', { reason });
      return Promise.resolve();
    }
    this.pending.push(() => this.send(object, type, reason, message));
    if (this.active < senders) void this.drainPending();
    return Promise.resolve();
  }

  /** Resolves once every queued Event has been sent or has failed. */
  async flush(): Promise<void> {
    while (this.pending.length > 0 || this.active > 0) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  private async drainPending(): Promise<void> {
    this.active += 1;
    try {
      for (let task = this.pending.shift(); task !== undefined; task = this.pending.shift()) await task();
    } finally {
      this.active -= 1;
    }
  }

  private async send(object: KubeObject, type: EventType, reason: string, message: string): Promise<void> {
    const metadata = object.metadata ?? {};
    const namespace = metadata.namespace ?? 'default';
    const key = [metadata.uid, type, reason, message].join('\u0000');
    const now = this.clock.now();
    try {
      const previous = this.sent.get(key);
      if (previous !== undefined && now.getTime() - previous.lastMs < correlationWindowMs) {
        previous.count += 1;
        previous.lastMs = now.getTime();
        await this.client.patch(resourceTypes.event, namespace, previous.name, {
          count: previous.count,
          lastTimestamp: now.toISOString(),
        });
        return;
      }
      const event = this.build(object, namespace, type, reason, message, now);
      const created = await this.client.create(resourceTypes.event, namespace, event);
      this.remember(key, {
        name: created.metadata?.name ?? '',
        namespace,
        count: 1,
        firstTimestamp: now.toISOString(),
        lastMs: now.getTime(),
      });
    } catch (error) {
      this.logger.warn('Could not record event', { reason, err: describeError(error) });
    }
  }

  private build(
    object: KubeObject,
    namespace: string,
    type: EventType,
    reason: string,
    message: string,
    now: Date,
  ): CoreV1Event {
    const metadata = object.metadata ?? {};
    return {
      metadata: { generateName: `${metadata.name ?? 'object'}.`, namespace },
      involvedObject: {
        apiVersion: object.apiVersion,
        kind: object.kind,
        name: metadata.name,
        namespace: metadata.namespace,
        uid: metadata.uid,
        resourceVersion: metadata.resourceVersion,
      },
      type,
      reason,
      message: message.slice(0, 1024),
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
      source: { component: 'planner-operator' },
      reportingComponent: 'planner.bbcagents.io/operator',
      reportingInstance: this.instance,
    };
  }

  private remember(key: string, event: SentEvent & { lastMs: number }): void {
    if (this.sent.size >= maxTracked) {
      const oldest = this.sent.keys().next().value;
      if (oldest !== undefined) this.sent.delete(oldest);
    }
    this.sent.set(key, event);
  }
}
