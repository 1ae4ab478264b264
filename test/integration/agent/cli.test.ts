import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import {
  createTestNamespace,
  loadTestKubeConfig,
  testKubeconfigPath,
  type TestNamespace,
} from '../../harness/context.ts';
import { startProcess, waitFor, type ManagedProcess } from '../../harness/processes.ts';
import { repositoryRoot, waitForPod } from './support.ts';

describe('node agent command line', () => {
  let kubeConfig: KubeConfig;
  let core: CoreV1Api;
  let namespace: TestNamespace;
  let workDir: string;
  let agent: ManagedProcess | undefined;

  beforeAll(async () => {
    kubeConfig = loadTestKubeConfig();
    core = kubeConfig.makeApiClient(CoreV1Api);
    namespace = await createTestNamespace(kubeConfig, 'agent-cli');
    workDir = await mkdtemp(join(tmpdir(), 'planner-agent-cli-'));
  });

  afterAll(async () => {
    await agent?.stop();
    await namespace?.delete();
    await rm(workDir, { recursive: true, force: true });
  });

  it('runs chosen programs, stops on SIGTERM', async () => {
    const nodeName = `cli-${namespace.name}`;
    const args = [
      join(repositoryRoot, 'test/agent/cli.ts'),
      ...['--kubeconfig', testKubeconfigPath(), '--work-dir', workDir, '--node-name', nodeName],
      ...['--namespaces', namespace.name, '--from-source', '--log-level', 'debug'],
      ...['--programs', 'planner-operator'],
    ];
    agent = startProcess('node agent', process.execPath, args, join(workDir, 'cli.log'));
    await waitFor(async () => ((await core.readNode({ name: nodeName })) ? true : undefined), {
      description: `node ${nodeName} to be registered`,
      timeoutMs: 15_000,
      process: agent,
    });

    await core.createNamespacedPod({
      namespace: namespace.name,
      body: {
        metadata: { name: 'help' },
        spec: {
          restartPolicy: 'Never',
          containers: [{ name: 'operator', image: 'planner:test', command: ['planner-operator', '--help'] }],
        },
      },
    });
    const done = await waitForPod(
      core,
      namespace.name,
      'help',
      'succeeded',
      (pod) => pod.status?.phase === 'Succeeded',
    );
    expect(done.spec?.nodeName).toBe(nodeName);
    expect(done.status?.containerStatuses?.[0]?.state?.terminated?.exitCode).toBe(0);

    await core.createNamespacedPod({
      namespace: namespace.name,
      body: {
        metadata: { name: 'not-run' },
        spec: {
          restartPolicy: 'Never',
          containers: [{ name: 'backup', image: 'planner:test', command: ['planner-backup', '--help'] }],
        },
      },
    });
    const placeholder = await waitForPod(core, namespace.name, 'not-run', 'running', (pod) => {
      return pod.status?.phase === 'Running';
    });
    expect(placeholder.status?.containerStatuses?.[0]?.ready).toBe(true);

    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(0);
    await expect(core.readNode({ name: nodeName })).rejects.toMatchObject({ code: 404 });
  });
});
