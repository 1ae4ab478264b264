import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AppsV1Api, CoordinationV1Api, CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import type { NodeAgent } from '../../agent/agent.ts';
import { createTestNamespace, loadTestKubeConfig, type TestNamespace } from '../../harness/context.ts';
import { waitFor } from '../../harness/processes.ts';
import { startTestAgent, waitForPod } from './support.ts';

function sleeperPod(name: string, spec: Partial<NonNullable<V1Pod['spec']>> = {}): V1Pod {
  return {
    metadata: { name },
    spec: {
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 5,
      containers: [{ name: 'runner', image: 'planner:test', command: ['planner-backup'], args: ['--sleep', '60000'] }],
      ...spec,
    },
  };
}

const isRunning = (pod: V1Pod): boolean => pod.status?.containerStatuses?.[0]?.state?.running !== undefined;

describe('node agent handling pods', () => {
  let kubeConfig: KubeConfig;
  let namespace: TestNamespace;
  let core: CoreV1Api;
  let agent: NodeAgent;
  let stopAgent: () => Promise<void>;

  beforeAll(async () => {
    kubeConfig = loadTestKubeConfig();
    core = kubeConfig.makeApiClient(CoreV1Api);
    namespace = await createTestNamespace(kubeConfig, 'agent-pods');
    const started = await startTestAgent(kubeConfig, namespace.name);
    agent = started.agent;
    stopAgent = started.stop;
  });

  afterAll(async () => {
    await stopAgent?.();
    await namespace?.delete();
  });

  it('registers a Ready node with a renewed lease', async () => {
    const node = await core.readNode({ name: agent.nodeName });
    const ready = node.status?.conditions?.find((condition) => condition.type === 'Ready');
    expect(ready?.status).toBe('True');
    expect(node.status?.allocatable?.pods).toBe('110');
    const lease = await kubeConfig
      .makeApiClient(CoordinationV1Api)
      .readNamespacedLease({ name: agent.nodeName, namespace: 'kube-node-lease' });
    expect(lease.spec?.holderIdentity).toBe(agent.nodeName);
    expect(Date.now() - new Date(lease.spec?.renewTime ?? 0).getTime()).toBeLessThan(30_000);
  });

  it('marks Deployment pods Ready and removes them on scale to zero', async () => {
    const ns = namespace.name;
    const apps = kubeConfig.makeApiClient(AppsV1Api);
    const labels = { app: 'web' };
    await apps.createNamespacedDeployment({
      namespace: ns,
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 2,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: { containers: [{ name: 'server', image: 'registry.invalid/planner-server:test' }] },
          },
        },
      },
    });

    await waitFor(
      async () => {
        const deployment = await apps.readNamespacedDeployment({ name: 'web', namespace: ns });
        return deployment.status?.readyReplicas === 2 ? true : undefined;
      },
      { description: 'Deployment web to have 2 ready replicas', timeoutMs: 30_000, intervalMs: 200 },
    );
    const pods = (await core.listNamespacedPod({ namespace: ns, labelSelector: 'app=web' })).items;
    for (const pod of pods) {
      expect(pod.status?.phase).toBe('Running');
      expect(pod.status?.conditions?.find((condition) => condition.type === 'Ready')?.status).toBe('True');
    }

    await apps.patchNamespacedDeployment({
      name: 'web',
      namespace: ns,
      body: [{ op: 'replace', path: '/spec/replicas', value: 0 }],
    });
    await waitFor(
      async () => {
        const remaining = await core.listNamespacedPod({ namespace: ns, labelSelector: 'app=web' });
        return remaining.items.length === 0 ? true : undefined;
      },
      { description: 'no pods of Deployment web to remain', timeoutMs: 30_000, intervalMs: 200 },
    );
  });

  it('stops the process of a deleted pod and removes the pod', async () => {
    const ns = namespace.name;
    await core.createNamespacedPod({ namespace: ns, body: sleeperPod('deleted') });
    const running = await waitForPod(core, ns, 'deleted', 'running', isRunning);
    expect(running.status?.phase).toBe('Running');
    const logFile = agent.containerLogPath(ns, 'deleted', 'runner');
    await waitFor(async () => ((await readFile(logFile, 'utf8')).includes('started with') ? true : undefined), {
      description: 'the program to install its SIGTERM handler',
      timeoutMs: 10_000,
    });

    await core.deleteNamespacedPod({ name: 'deleted', namespace: ns });
    await waitFor(
      async () => {
        try {
          await core.readNamespacedPod({ name: 'deleted', namespace: ns });
          return undefined;
        } catch (error) {
          return (error as { code?: number }).code === 404 ? true : undefined;
        }
      },
      { description: 'pod deleted to be gone', timeoutMs: 15_000, intervalMs: 200 },
    );
    expect(await readFile(logFile, 'utf8')).toContain('terminated');
  });

  it('fails a pod past activeDeadlineSeconds', async () => {
    const ns = namespace.name;
    await core.createNamespacedPod({ namespace: ns, body: sleeperPod('deadline', { activeDeadlineSeconds: 2 }) });

    const failed = await waitForPod(core, ns, 'deadline', 'failed', (pod) => pod.status?.phase === 'Failed');
    expect(failed.status?.reason).toBe('DeadlineExceeded');
    const terminated = failed.status?.containerStatuses?.[0]?.state?.terminated;
    expect(terminated?.exitCode).toBe(143);
    const started = new Date(failed.status?.startTime ?? 0).getTime();
    expect(new Date(terminated?.finishedAt ?? 0).getTime() - started).toBeGreaterThanOrEqual(2000);
  });

  it('restarts an always-restarting container and counts restarts', async () => {
    const ns = namespace.name;
    await core.createNamespacedPod({
      namespace: ns,
      body: sleeperPod('looping', {
        restartPolicy: 'Always',
        containers: [{ name: 'runner', image: 'planner:test', command: ['planner-backup'], args: ['--exit', '0'] }],
      }),
    });
    const restarted = await waitForPod(core, ns, 'looping', 'restarted twice', (pod) => {
      return (pod.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 2;
    });
    expect(restarted.status?.phase).toBe('Running');
    expect(restarted.status?.containerStatuses?.[0]?.lastState?.terminated?.reason).toBe('Completed');
    await core.deleteNamespacedPod({ name: 'looping', namespace: ns });
  });
});
