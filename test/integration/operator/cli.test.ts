import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { V1Lease } from '@kubernetes/client-node';
import { resourceTypes } from '../../../operator/api/resources.ts';
import type { KubeClient } from '../../../operator/runtime/client.ts';
import {
  createTestNamespace,
  loadTestKubeConfig,
  testKubeconfigPath,
  type TestNamespace,
} from '../../harness/context.ts';
import { repositoryRoot } from '../../harness/paths.ts';
import { runCommand } from '../../harness/processes.ts';
import { createApp, createDatabaseSecret, createDeployment, eventually, readHpa, testClient } from './support.ts';

const cli = 'operator/cli.ts';

describe('planner-operator command', () => {
  let namespace: TestNamespace;
  let client: KubeClient;

  beforeAll(async () => {
    const kubeConfig = loadTestKubeConfig();
    namespace = await createTestNamespace(kubeConfig, 'op-cli');
    client = testClient(kubeConfig);
  });

  afterAll(async () => {
    await namespace?.delete();
    client?.close();
  });

  it('prints help with every flag', async () => {
    const output = await runCommand(process.execPath, [cli, '--help'], { cwd: repositoryRoot });
    for (const flag of [
      '--namespaces',
      '--metrics-bind-address',
      '--health-probe-bind-address',
      '--leader-elect',
      '--leader-election-namespace',
      '--leader-election-id',
      '--concurrency',
      '--log-level',
      '--runner-image',
    ]) {
      expect(output).toContain(flag);
    }
  });

  it('rejects an invalid setting naming its flag', async () => {
    await expect(
      runCommand(process.execPath, [cli, '--concurrency', 'many'], { cwd: repositoryRoot, env: { ...process.env } }),
    ).rejects.toThrow(/exited with code 2: .*--concurrency \/ PLANNER_CONCURRENCY/);
  });

  it('reconciles, then releases its lease on SIGTERM', async () => {
    await createDatabaseSecret(client, namespace.name, 'db');
    await createDeployment(client, namespace.name, 'web', 1);
    await createApp(client, namespace.name, 'web', {
      workloadRef: { name: 'web' },
      database: { secretRef: { name: 'db' } },
      replicas: { min: 1, max: 2 },
    });
    const child = spawn(
      process.execPath,
      [cli, '--metrics-bind-address', '127.0.0.1:0', '--health-probe-bind-address', '127.0.0.1:0'],
      {
        cwd: repositoryRoot,
        env: {
          ...process.env,
          KUBECONFIG: testKubeconfigPath(),
          PLANNER_NAMESPACES: namespace.name,
          PLANNER_LEADER_ELECTION_NAMESPACE: namespace.name,
          NODE_ENV: 'production',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await eventually(
        'HPA web',
        () => readHpa(client, namespace.name, 'web'),
        (hpa) => hpa !== undefined,
        30_000,
      );
      const held = await client.get<V1Lease>(resourceTypes.lease, namespace.name, 'planner-operator');
      expect(held.spec?.holderIdentity).toBeTruthy();
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    const released = await client.get<V1Lease>(resourceTypes.lease, namespace.name, 'planner-operator');
    expect(released.spec?.holderIdentity).toBeUndefined();
    const firstLine = JSON.parse(output.split('\n')[0] ?? '{}') as { message?: string };
    expect(firstLine.message).toBe('Starting planner-operator');
  });
});
