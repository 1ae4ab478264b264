import type { V1ContainerStatus, V1PodCondition, V1PodStatus } from '@kubernetes/client-node';

/** The status fields the agent owns for one pod; the rest of the pod status is preserved. */
export interface PodRuntimeState {
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  /** Pod-level reason and message, such as DeadlineExceeded. */
  reason?: string;
  message?: string;
  startTime?: Date;
  /** The pod's volumes are prepared and its containers may start. */
  sandboxReady: boolean;
  initContainerStatuses: V1ContainerStatus[];
  containerStatuses: V1ContainerStatus[];
}

const ownedConditionTypes = new Set([
  'PodScheduled',
  'PodReadyToStartContainers',
  'Initialized',
  'ContainersReady',
  'Ready',
]);

/** IP reported for the node and every pod: the processes run on the host's loopback. */
export const loopbackAddress = '127.0.0.1';

/**
 * Builds a pod status from the agent's state as the kubelet would report it: phase, the
 * conditions PodScheduled, PodReadyToStartContainers, Initialized, ContainersReady and Ready,
 * addresses and container statuses. Conditions set by others (such as DisruptionTarget) and
 * qosClass are kept from `current`; a condition keeps its lastTransitionTime while its status
 * stays the same.
 */
export function buildPodStatus(state: PodRuntimeState, current: V1PodStatus | undefined, now: Date): V1PodStatus {
  const previous = new Map((current?.conditions ?? []).map((condition) => [condition.type, condition]));
  const condition = (type: string, isTrue: boolean, reason?: string, message?: string): V1PodCondition => {
    const status = isTrue ? 'True' : 'False';
    const before = previous.get(type);
    const lastTransitionTime = before?.status === status && before.lastTransitionTime ? before.lastTransitionTime : now;
    return { type, status, lastTransitionTime, reason, message };
  };

  const initPending = state.initContainerStatuses.filter((status) => status.state?.terminated?.exitCode !== 0);
  const notReady = state.containerStatuses.filter((status) => !status.ready);
  const completed = state.phase === 'Succeeded';
  let readyReason: string | undefined;
  if (completed) readyReason = 'PodCompleted';
  else if (notReady.length > 0) readyReason = 'ContainersNotReady';
  const readyMessage =
    notReady.length > 0 && !completed ? `containers with unready status: [${names(notReady)}]` : undefined;

  const conditions = [
    condition('PodReadyToStartContainers', state.sandboxReady),
    condition(
      'Initialized',
      initPending.length === 0,
      initPending.length === 0 ? undefined : 'ContainersNotInitialized',
      initPending.length === 0 ? undefined : `containers with incomplete status: [${names(initPending)}]`,
    ),
    condition('Ready', notReady.length === 0, readyReason, readyMessage),
    condition('ContainersReady', notReady.length === 0, readyReason, readyMessage),
    condition('PodScheduled', true),
    ...(current?.conditions ?? []).filter((existing) => !ownedConditionTypes.has(existing.type)),
  ];

  return {
    ...(current?.qosClass === undefined ? {} : { qosClass: current.qosClass }),
    phase: state.phase,
    reason: state.reason,
    message: state.message,
    conditions,
    hostIP: loopbackAddress,
    hostIPs: [{ ip: loopbackAddress }],
    podIP: loopbackAddress,
    podIPs: [{ ip: loopbackAddress }],
    startTime: state.startTime,
    initContainerStatuses: state.initContainerStatuses.length > 0 ? state.initContainerStatuses : undefined,
    containerStatuses: state.containerStatuses,
  };
}

function names(statuses: V1ContainerStatus[]): string {
  return statuses.map((status) => status.name).join(' ');
}
