import { randomBytes } from 'node:crypto';
import type { CoreV1Api, V1Pod } from '@kubernetes/client-node';
import { describeError } from './errors.ts';
import type { AgentLogger } from './logger.ts';

/** Writes core/v1 Events about pods, as the scheduler and the kubelet do, for `kubectl describe`. */
export interface EventRecorder {
  /** Records an Event in the background; a failure is logged at debug level and otherwise ignored. */
  record(pod: V1Pod, type: 'Normal' | 'Warning', reason: string, message: string, component?: string): void;
}

/** Creates an EventRecorder whose Events name the node as their source host. */
export function createEventRecorder(core: CoreV1Api, nodeName: string, logger: AgentLogger): EventRecorder {
  return {
    record(pod, type, reason, message, component = 'kubelet') {
      const { name = '', namespace = 'default', uid } = pod.metadata ?? {};
      const now = new Date();
      const body = {
        metadata: { name: `${name}.${randomBytes(8).toString('hex')}`, namespace },
        involvedObject: { apiVersion: 'v1', kind: 'Pod', name, namespace, uid },
        type,
        reason,
        message,
        count: 1,
        firstTimestamp: now,
        lastTimestamp: now,
        source: { component, host: nodeName },
        reportingComponent: component,
        reportingInstance: nodeName,
      };
      core.createNamespacedEvent({ namespace, body }).catch((error: unknown) => {
        logger.debug('Event could not be recorded', { namespace, pod: name, reason, err: describeError(error) });
      });
    },
  };
}
