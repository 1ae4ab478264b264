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
}

interface SentEvent {
  name: string;
  namespace: string;
  count: number;
  firstTimestamp: string;
}

const correlationWindowMs = 10 * 60_000;
const maxTracked = 4096;

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

  constructor(options: { client: KubeClient; clock: Clock; logger: Logger; instance: string }) {
    this.client = options.client;
    this.clock = options.clock;
    this.logger = options.logger;
    this.instance = options.instance;
  }

  async record(object: KubeObject, type: EventType, reason: string, message: string): Promise<void> {
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
