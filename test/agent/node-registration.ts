import { arch, cpus, hostname, platform, release, totalmem } from 'node:os';
import {
  CoordinationV1Api,
  CoreV1Api,
  V1MicroTime,
  type KubeConfig,
  type V1Lease,
  type V1Node,
  type V1NodeStatus,
} from '@kubernetes/client-node';
import { describeError, isConflict, isNotFound } from './errors.ts';
import type { AgentLogger } from './logger.ts';

/** Options for {@link registerNode}. */
export interface NodeRegistrationOptions {
  readonly kubeConfig: KubeConfig;
  readonly nodeName: string;
  readonly logger: AgentLogger;
  /** How often the Lease in kube-node-lease is renewed. Default 10 s, as the kubelet does. */
  readonly leaseRenewIntervalMs?: number;
  /** How often the Ready condition's heartbeat is written. Default 20 s. */
  readonly statusIntervalMs?: number;
}

/** A registered Node whose Lease and status are being renewed. */
export interface NodeRegistration {
  /** Stops renewing and deletes the Node and its Lease. */
  stop(): Promise<void>;
}

const leaseNamespace = 'kube-node-lease';
// The node lifecycle controller marks a node NotReady when neither its Lease nor its Ready
// heartbeat was renewed within --node-monitor-grace-period (40 s or more by default). The lease
// duration therefore matches the kubelet's default of 40 s, and renewals come well before it.
const leaseDurationSeconds = 40;

/**
 * Creates (or replaces) the Node with capacity, a Ready condition and node info, creates its
 * Lease, and renews both on timers until stopped. A failed renewal is logged and retried on the
 * next tick, because the node lifecycle controller tolerates a few missed beats.
 */
export async function registerNode(options: NodeRegistrationOptions): Promise<NodeRegistration> {
  const core = options.kubeConfig.makeApiClient(CoreV1Api);
  const coordination = options.kubeConfig.makeApiClient(CoordinationV1Api);
  const { nodeName, logger } = options;

  const readySince = new Date();
  await deleteIfPresent(() => core.deleteNode({ name: nodeName }));
  const node = await core.createNode({ body: buildNode(nodeName, readySince) });
  await writeNodeStatus(core, nodeName, readySince);
  await ensureLease(coordination, node);

  const renewLease = (): void => {
    coordination
      .patchNamespacedLease({
        name: nodeName,
        namespace: leaseNamespace,
        body: [{ op: 'replace', path: '/spec/renewTime', value: new V1MicroTime() }],
      })
      .catch(async (error: unknown) => {
        if (isNotFound(error)) return ensureLease(coordination, node);
        logger.warn('Node lease renewal failed', { node: nodeName, err: describeError(error) });
      })
      .catch((error: unknown) =>
        logger.warn('Node lease re-creation failed', { node: nodeName, err: describeError(error) }),
      );
  };
  const renewStatus = (): void => {
    writeNodeStatus(core, nodeName, readySince).catch((error: unknown) =>
      logger.warn('Node status heartbeat failed', { node: nodeName, err: describeError(error) }),
    );
  };
  const leaseTimer = setInterval(renewLease, options.leaseRenewIntervalMs ?? 10_000);
  const statusTimer = setInterval(renewStatus, options.statusIntervalMs ?? 20_000);
  logger.info('Node registered', { node: nodeName });

  return {
    async stop() {
      clearInterval(leaseTimer);
      clearInterval(statusTimer);
      await deleteIfPresent(() => coordination.deleteNamespacedLease({ name: nodeName, namespace: leaseNamespace }));
      await deleteIfPresent(() => core.deleteNode({ name: nodeName }));
      logger.info('Node removed', { node: nodeName });
    },
  };
}

async function deleteIfPresent(remove: () => Promise<unknown>): Promise<void> {
  try {
    await remove();
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

async function ensureLease(coordination: CoordinationV1Api, node: V1Node): Promise<void> {
  const name = node.metadata?.name ?? '';
  const lease: V1Lease = {
    metadata: {
      name,
      namespace: leaseNamespace,
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata?.uid ?? '' }],
    },
    spec: { holderIdentity: name, leaseDurationSeconds, renewTime: new V1MicroTime() },
  };
  try {
    await coordination.createNamespacedLease({ namespace: leaseNamespace, body: lease });
  } catch (error) {
    if (!isConflict(error)) throw error;
    await coordination.replaceNamespacedLease({ name, namespace: leaseNamespace, body: lease });
  }
}

async function writeNodeStatus(core: CoreV1Api, nodeName: string, readySince: Date): Promise<void> {
  await core.patchNodeStatus({
    name: nodeName,
    body: [{ op: 'replace', path: '/status', value: buildNodeStatus(new Date(), readySince) }],
  });
}

function buildNode(nodeName: string, readySince: Date): V1Node {
  return {
    metadata: {
      name: nodeName,
      labels: {
        'kubernetes.io/hostname': nodeName,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': nodeArchitecture(),
        'planner.bbcagents.io/local-node-agent': 'true',
      },
    },
    spec: {},
    status: buildNodeStatus(readySince, readySince),
  };
}

function buildNodeStatus(now: Date, readySince: Date): V1NodeStatus {
  const resources = {
    cpu: String(cpus().length),
    memory: `${Math.floor(totalmem() / 1024)}Ki`,
    pods: '110',
    'ephemeral-storage': '100Gi',
  };
  return {
    capacity: resources,
    allocatable: resources,
    addresses: [
      { type: 'InternalIP', address: '127.0.0.1' },
      { type: 'Hostname', address: hostname() },
    ],
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'KubeletReady',
        message: 'local node agent is posting ready status',
        lastHeartbeatTime: now,
        lastTransitionTime: readySince,
      },
      ...(['MemoryPressure', 'DiskPressure', 'PIDPressure'] as const).map((type) => ({
        type,
        status: 'False',
        reason: `KubeletHas${type === 'MemoryPressure' ? 'SufficientMemory' : type === 'DiskPressure' ? 'NoDiskPressure' : 'SufficientPID'}`,
        message: 'local node agent does not measure pressure',
        lastHeartbeatTime: now,
        lastTransitionTime: readySince,
      })),
    ],
    nodeInfo: {
      architecture: nodeArchitecture(),
      operatingSystem: platform(),
      kernelVersion: release(),
      osImage: `${platform()} host`,
      containerRuntimeVersion: `planner-local-agent://${process.version}`,
      kubeletVersion: 'v1.36.0-planner-local',
      kubeProxyVersion: '',
      bootID: '',
      machineID: '',
      systemUUID: '',
    },
  };
}

function nodeArchitecture(): string {
  return arch() === 'x64' ? 'amd64' : arch();
}
