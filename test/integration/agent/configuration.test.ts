import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import type { NodeAgent } from '../../agent/agent.ts';
import { createTestNamespace, loadTestKubeConfig, type TestNamespace } from '../../harness/context.ts';
import { startTestAgent, waitForPod } from './support.ts';

function programPod(name: string, container: NonNullable<V1Pod['spec']>['containers'][number], spec = {}): V1Pod {
  return {
    metadata: { name },
    spec: { restartPolicy: 'Never', containers: [{ image: 'planner:test', ...container }], ...spec },
  };
}

const isFinished = (pod: V1Pod): boolean => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

describe('node agent container configuration', () => {
  let kubeConfig: KubeConfig;
  let namespace: TestNamespace;
  let core: CoreV1Api;
  let agent: NodeAgent;
  let stopAgent: () => Promise<void>;

  beforeAll(async () => {
    kubeConfig = loadTestKubeConfig();
    core = kubeConfig.makeApiClient(CoreV1Api);
    namespace = await createTestNamespace(kubeConfig, 'agent-config');
    const started = await startTestAgent(kubeConfig, namespace.name);
    agent = started.agent;
    stopAgent = started.stop;
    await core.createNamespacedSecret({
      namespace: namespace.name,
      body: { metadata: { name: 'credentials' }, stringData: { password: 'from-secret' } },
    });
    await core.createNamespacedConfigMap({
      namespace: namespace.name,
      body: { metadata: { name: 'tuning' }, data: { level: 'high', '1st': 'first' } },
    });
  });

  afterAll(async () => {
    await stopAgent?.();
    await namespace?.delete();
  });

  it('writes Secret and ConfigMap volumes as files', async () => {
    const ns = namespace.name;
    await core.createNamespacedPod({
      namespace: ns,
      body: programPod(
        'files',
        {
          name: 'runner',
          command: ['planner-backup'],
          args: ['--read', '/etc/creds/password', '--read', '/etc/tuning/renamed/level'],
          volumeMounts: [
            { name: 'creds', mountPath: '/etc/creds', readOnly: true },
            { name: 'tuning', mountPath: '/etc/tuning' },
          ],
        },
        {
          volumes: [
            { name: 'creds', secret: { secretName: 'credentials' } },
            { name: 'tuning', configMap: { name: 'tuning', items: [{ key: 'level', path: 'renamed/level' }] } },
          ],
        },
      ),
    });

    const done = await waitForPod(core, ns, 'files', 'finished', isFinished);
    expect(done.status?.phase).toBe('Succeeded');
    const log = await readFile(agent.containerLogPath(ns, 'files', 'runner'), 'utf8');
    expect(log).toContain('from-secret');
    expect(log).toContain('high');
  });

  it('applies envFrom prefixes, skipping optional sources', async () => {
    const ns = namespace.name;
    await core.createNamespacedPod({
      namespace: ns,
      body: programPod('prefixed', {
        name: 'runner',
        command: ['planner-backup'],
        args: ['--message-env', 'TUNING_level,TUNING_1st,PATH_SET'],
        envFrom: [
          { prefix: 'TUNING_', configMapRef: { name: 'tuning' } },
          { secretRef: { name: 'absent', optional: true } },
        ],
        env: [{ name: 'PATH_SET', value: process.env.PATH === undefined ? 'no' : 'yes' }],
      }),
    });

    const done = await waitForPod(core, ns, 'prefixed', 'finished', isFinished);
    const message = done.status?.containerStatuses?.[0]?.state?.terminated?.message ?? '{}';
    expect(JSON.parse(message)).toEqual({ TUNING_level: 'high', TUNING_1st: 'first', PATH_SET: 'yes' });
  });

  it('reports the log tail under FallbackToLogsOnError', async () => {
    const ns = namespace.name;
    await core.createNamespacedPod({
      namespace: ns,
      body: programPod('fallback', {
        name: 'runner',
        command: ['planner-backup'],
        args: ['--read', '/nowhere/file'],
        terminationMessagePolicy: 'FallbackToLogsOnError',
      }),
    });

    const done = await waitForPod(core, ns, 'fallback', 'finished', isFinished);
    const terminated = done.status?.containerStatuses?.[0]?.state?.terminated;
    expect(done.status?.phase).toBe('Failed');
    expect(terminated?.exitCode).toBe(3);
    expect(terminated?.message).toContain('cannot read /nowhere/file');
  });

  it('fails a pod still waiting for its Secret at its deadline', async () => {
    const ns = namespace.name;
    await core.createNamespacedPod({
      namespace: ns,
      body: programPod(
        'never-configured',
        {
          name: 'runner',
          command: ['planner-backup'],
          env: [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'credentials', key: 'token' } } }],
        },
        { activeDeadlineSeconds: 2 },
      ),
    });

    const done = await waitForPod(core, ns, 'never-configured', 'finished', isFinished);
    expect(done.status?.phase).toBe('Failed');
    expect(done.status?.reason).toBe('DeadlineExceeded');
    const waiting = done.status?.containerStatuses?.[0]?.state?.waiting;
    expect(waiting?.reason).toBe('CreateContainerConfigError');
    expect(waiting?.message).toBe(`couldn't find key token in Secret ${ns}/credentials`);
  });
});
