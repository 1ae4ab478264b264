import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BatchV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { createTestNamespace, loadTestKubeConfig, type TestNamespace } from '../../harness/context.ts';
import type { NodeAgent } from '../../agent/agent.ts';
import { waitFor } from '../../harness/processes.ts';
import { buildJob, listJobPods, startTestAgent, waitForJobCondition, waitForPod } from './support.ts';

describe('node agent running Jobs', () => {
  let kubeConfig: KubeConfig;
  let namespace: TestNamespace;
  let core: CoreV1Api;
  let batch: BatchV1Api;
  let agent: NodeAgent;
  let stopAgent: () => Promise<void>;

  beforeAll(async () => {
    kubeConfig = loadTestKubeConfig();
    core = kubeConfig.makeApiClient(CoreV1Api);
    batch = kubeConfig.makeApiClient(BatchV1Api);
    namespace = await createTestNamespace(kubeConfig, 'agent-jobs');
    const started = await startTestAgent(kubeConfig, namespace.name);
    agent = started.agent;
    stopAgent = started.stop;
  });

  afterAll(async () => {
    await stopAgent?.();
    await namespace?.delete();
  });

  it('completes a Job and reports exit code and termination message', async () => {
    const ns = namespace.name;
    await core.createNamespacedSecret({
      namespace: ns,
      body: { metadata: { name: 'database' }, stringData: { password: 's3cret', user: 'planner' } },
    });
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'settings' }, data: { mode: 'full' } },
    });
    const job = buildJob('complete', {
      command: ['planner-backup'],
      args: ['--message-env', 'PASSWORD,MODE,POD_NAME,POD_NAMESPACE,POD_IP,user,GREETING,OPTIONAL', '--exit', '0'],
      env: [
        { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'database', key: 'password' } } },
        { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'settings', key: 'mode' } } },
        { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'GREETING', value: 'hello $(MODE)' },
        { name: 'OPTIONAL', valueFrom: { secretKeyRef: { name: 'absent', key: 'x', optional: true } } },
      ],
      envFrom: [{ secretRef: { name: 'database' } }],
    });
    await batch.createNamespacedJob({ namespace: ns, body: job });

    await waitForJobCondition(batch, ns, 'complete', 'Complete');
    const [pod] = await listJobPods(core, ns, 'complete');
    expect(pod?.spec?.nodeName).toBe(agent.nodeName);
    expect(pod?.status?.phase).toBe('Succeeded');
    expect(pod?.status?.podIP).toBe('127.0.0.1');
    const terminated = pod?.status?.containerStatuses?.[0]?.state?.terminated;
    expect(terminated?.exitCode).toBe(0);
    expect(terminated?.reason).toBe('Completed');
    expect(JSON.parse(terminated?.message ?? '{}')).toEqual({
      PASSWORD: 's3cret',
      MODE: 'full',
      POD_NAME: pod?.metadata?.name,
      POD_NAMESPACE: ns,
      POD_IP: '127.0.0.1',
      user: 'planner',
      GREETING: 'hello full',
    });
    const log = await readFile(agent.containerLogPath(ns, pod?.metadata?.name ?? '', 'runner'), 'utf8');
    expect(log).toContain('started with');
  });

  it('fails a Job whose container exits non-zero', async () => {
    const ns = namespace.name;
    const job = buildJob('failing', { command: ['planner-backup'], args: ['--message', 'dump failed', '--exit', '3'] });
    await batch.createNamespacedJob({ namespace: ns, body: job });

    const failed = await waitForJobCondition(batch, ns, 'failing', 'Failed');
    expect(failed.status?.failed).toBe(1);
    const [pod] = await listJobPods(core, ns, 'failing');
    expect(pod?.status?.phase).toBe('Failed');
    const terminated = pod?.status?.containerStatuses?.[0]?.state?.terminated;
    expect(terminated?.exitCode).toBe(3);
    expect(terminated?.reason).toBe('Error');
    expect(terminated?.message).toBe('dump failed');
  });

  it('waits with CreateContainerConfigError until a missing Secret exists', async () => {
    const ns = namespace.name;
    const job = buildJob('late-secret', {
      command: ['planner-backup'],
      args: ['--message-env', 'TOKEN'],
      env: [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'late', key: 'token' } } }],
    });
    await batch.createNamespacedJob({ namespace: ns, body: job });

    const [created] = await waitForPods(core, ns, 'late-secret');
    const waiting = await waitForPod(core, ns, created ?? '', 'waiting on its Secret', (pod) => {
      return pod.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError';
    });
    expect(waiting.status?.phase).toBe('Pending');
    expect(waiting.status?.containerStatuses?.[0]?.state?.waiting?.message).toBe('secret "late" not found');
    const events = await waitFor(
      async () => {
        const list = await core.listNamespacedEvent({ namespace: ns, fieldSelector: `involvedObject.name=${created}` });
        return list.items.some((event) => event.reason === 'Failed') ? list.items : undefined;
      },
      { description: `a Failed event for pod ${created}`, timeoutMs: 10_000 },
    );
    const reasons = events.map((event) => event.reason);
    expect(reasons).toContain('Scheduled');
    expect(events.find((event) => event.reason === 'Failed')?.message).toBe('Error: secret "late" not found');

    await core.createNamespacedSecret({
      namespace: ns,
      body: { metadata: { name: 'late' }, stringData: { token: 't' } },
    });
    await waitForJobCondition(batch, ns, 'late-secret', 'Complete');
  });

  it('keeps a claim folder across two Jobs', async () => {
    const ns = namespace.name;
    const volume = { name: 'backups', persistentVolumeClaim: { claimName: 'backup-store' } };
    const mount = { name: 'backups', mountPath: '/var/backups', subPath: 'planner' };
    await batch.createNamespacedJob({
      namespace: ns,
      body: buildJob(
        'writer',
        { command: ['planner-backup'], args: ['--write', '/var/backups/nightly/dump.txt=rows'], volumeMounts: [mount] },
        { template: { spec: { containers: [], volumes: [volume] } } },
      ),
    });
    await waitForJobCondition(batch, ns, 'writer', 'Complete');
    const hostFile = join(agent.hostPathForClaim(ns, 'backup-store'), 'planner', 'nightly', 'dump.txt');
    expect(await readFile(hostFile, 'utf8')).toBe('rows');

    await batch.createNamespacedJob({
      namespace: ns,
      body: buildJob(
        'reader',
        { command: ['planner-backup'], args: ['--read', '/var/backups/nightly/dump.txt'], volumeMounts: [mount] },
        { template: { spec: { containers: [], volumes: [volume] } } },
      ),
    });
    await waitForJobCondition(batch, ns, 'reader', 'Complete');
    const [reader] = await listJobPods(core, ns, 'reader');
    const log = await readFile(agent.containerLogPath(ns, reader?.metadata?.name ?? '', 'runner'), 'utf8');
    expect(log).toContain('rows');
  });

  it('restarts a failing container under OnFailure', async () => {
    const ns = namespace.name;
    const job = buildJob(
      'flaky',
      {
        command: ['planner-backup'],
        args: ['--count', '/scratch/attempts', '--fail-until', '3'],
        volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }],
      },
      {
        backoffLimit: 5,
        template: {
          spec: { restartPolicy: 'OnFailure', containers: [], volumes: [{ name: 'scratch', emptyDir: {} }] },
        },
      },
    );
    await batch.createNamespacedJob({ namespace: ns, body: job });

    await waitForJobCondition(batch, ns, 'flaky', 'Complete');
    const [pod] = await listJobPods(core, ns, 'flaky');
    const status = pod?.status?.containerStatuses?.[0];
    expect(status?.restartCount).toBe(2);
    expect(status?.lastState?.terminated?.exitCode).toBe(1);
    expect(status?.state?.terminated?.exitCode).toBe(0);
  });

  it('runs init containers first, in order', async () => {
    const ns = namespace.name;
    const scratch = { name: 'scratch', mountPath: '/work' };
    const initContainer = (name: string, args: string[]) => ({
      name,
      image: 'planner:test',
      command: ['planner-backup'],
      args,
      volumeMounts: [scratch],
    });
    const job = buildJob(
      'ordered',
      { command: ['planner-backup'], args: ['--read', '/work/second'], volumeMounts: [scratch] },
      {
        template: {
          spec: {
            containers: [],
            volumes: [{ name: 'scratch', emptyDir: {} }],
            initContainers: [
              initContainer('first', ['--write', '/work/first=1']),
              initContainer('second', ['--read', '/work/first', '--write', '/work/second=2']),
            ],
          },
        },
      },
    );
    await batch.createNamespacedJob({ namespace: ns, body: job });

    await waitForJobCondition(batch, ns, 'ordered', 'Complete');
    const [pod] = await listJobPods(core, ns, 'ordered');
    const inits = pod?.status?.initContainerStatuses ?? [];
    expect(inits.map((status) => status.state?.terminated?.exitCode)).toEqual([0, 0]);
    const initialized = pod?.status?.conditions?.find((condition) => condition.type === 'Initialized');
    expect(initialized?.status).toBe('True');
  });

  it('gives processes the service account credentials', async () => {
    const ns = namespace.name;
    await batch.createNamespacedJob({
      namespace: ns,
      body: buildJob('whoami', { command: ['planner-backup'], args: ['--whoami', 'x'] }),
    });

    await waitForJobCondition(batch, ns, 'whoami', 'Complete');
    const [pod] = await listJobPods(core, ns, 'whoami');
    const terminated = pod?.status?.containerStatuses?.[0]?.state?.terminated;
    expect(terminated?.message).toBe(`system:serviceaccount:${ns}:default`);
  });

  it('runs a real planner program from source', async () => {
    const ns = namespace.name;
    await batch.createNamespacedJob({
      namespace: ns,
      body: buildJob('operator-help', { command: ['planner-operator'], args: ['--help'] }),
    });

    await waitForJobCondition(batch, ns, 'operator-help', 'Complete');
    const [pod] = await listJobPods(core, ns, 'operator-help');
    const log = await readFile(agent.containerLogPath(ns, pod?.metadata?.name ?? '', 'runner'), 'utf8');
    expect(log).toContain('Usage: planner-operator');
  });
});

async function waitForPods(core: CoreV1Api, namespace: string, jobName: string): Promise<string[]> {
  return waitFor(
    async () => {
      const pods = await listJobPods(core, namespace, jobName);
      return pods.length > 0 ? pods.map((pod) => pod.metadata?.name ?? '') : undefined;
    },
    { description: `a pod of Job ${jobName}`, timeoutMs: 15_000 },
  );
}
