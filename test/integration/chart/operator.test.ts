import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AutoscalingV2Api, CoordinationV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import {
  createTestNamespace,
  loadTestKubeConfig,
  testKubeconfigPath,
  type TestNamespace,
} from '../../harness/context.ts';
import { findFreePort, startProcess, waitFor, type ManagedProcess } from '../../harness/processes.ts';
import { repositoryRoot } from '../../harness/paths.ts';
import { chartDirectory, findObject, mustRun, parseManifest, podSpecOf, runTool, valueArgs } from './chart.ts';

// Installs the chart on the shared control plane, then runs the built operator with the arguments of the
// chart's operator Deployment and a token of the chart's operator ServiceAccount. The operator must win
// its leader Lease and reconcile the chart's PlannerApp into an HPA with nothing but the chart's RBAC.
// It watches only its own namespace (the per-namespace Role mode): watching all namespaces would make it
// reconcile the PlannerApps of other test files that share this control plane.

interface OperatorContainer {
  command: string[];
  args: string[];
}

/** Writes a kubeconfig that reaches the test API server as the given bearer token. */
async function writeTokenKubeconfig(admin: KubeConfig, token: string, path: string): Promise<void> {
  const cluster = admin.getCurrentCluster();
  if (cluster === null) throw new Error('the test kubeconfig has no current cluster');
  const caData = cluster.caData ?? Buffer.from(await readFile(cluster.caFile ?? '')).toString('base64');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'test', cluster: { server: cluster.server, 'certificate-authority-data': caData } }],
    users: [{ name: 'operator', user: { token } }],
    contexts: [{ name: 'operator', context: { cluster: 'test', user: 'operator' } }],
    'current-context': 'operator',
  };
  await writeFile(path, JSON.stringify(config), { mode: 0o600 });
}

describe('operator with the chart arguments and RBAC', () => {
  let kubeConfig: KubeConfig;
  let namespace: TestNamespace;
  let folder: string;
  let operator: ManagedProcess | undefined;
  const release = `op-${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    kubeConfig = loadTestKubeConfig();
    namespace = await createTestNamespace(kubeConfig, 'chart-operator');
    folder = await mkdtemp(join(tmpdir(), 'planner-chart-operator-'));
  });

  afterAll(async () => {
    await operator?.stop();
    await runTool('helm', ['uninstall', release, '--namespace', namespace.name], { kubeconfig: testKubeconfigPath() });
    await namespace.delete();
    await rm(folder, { recursive: true, force: true });
  }, 60_000);

  it('leads and reconciles the PlannerApp', async () => {
    await mustRun(
      'helm',
      [
        'install',
        release,
        chartDirectory,
        '--namespace',
        namespace.name,
        ...valueArgs({ crds: { enabled: false }, operator: { watchNamespaces: [namespace.name] } }),
      ],
      { kubeconfig: testKubeconfigPath() },
    );
    const manifest = await mustRun('helm', ['get', 'manifest', release, '--namespace', namespace.name], {
      kubeconfig: testKubeconfigPath(),
    });
    const deployment = findObject(parseManifest(manifest.stdout), 'Deployment', `${release}-planner-operator`);
    const container = (podSpecOf(deployment) as { containers: OperatorContainer[] }).containers[0];
    if (container === undefined) throw new Error('the operator Deployment has no container');

    const serviceAccount = `${release}-planner-operator`;
    const token = await kubeConfig.makeApiClient(CoreV1Api).createNamespacedServiceAccountToken({
      name: serviceAccount,
      namespace: namespace.name,
      body: { spec: { audiences: [], expirationSeconds: 3600 } },
    });
    const operatorKubeconfig = join(folder, 'kubeconfig');
    await writeTokenKubeconfig(kubeConfig, token.status?.token ?? '', operatorKubeconfig);

    const { bin } = JSON.parse(readFileSync(join(repositoryRoot, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    const file = join(repositoryRoot, bin[container.command[0] ?? ''] ?? '');
    if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build`);
    // The listeners move to free loopback ports; every other argument is the chart's.
    const metricsPort = await findFreePort();
    const healthPort = await findFreePort();
    const args = container.args.map((arg) => {
      if (arg.startsWith('--metrics-bind-address=')) return `--metrics-bind-address=127.0.0.1:${metricsPort}`;
      if (arg.startsWith('--health-probe-bind-address=')) {
        return `--health-probe-bind-address=127.0.0.1:${healthPort}`;
      }
      return arg;
    });
    expect(args).toContain(`--namespaces=${namespace.name}`);
    const logFile = join(folder, 'operator.log');
    operator = startProcess(
      'planner-operator',
      process.execPath,
      [file, ...args, `--kubeconfig=${operatorKubeconfig}`],
      logFile,
      {
        env: {
          PATH: process.env.PATH ?? '',
          NODE_ENV: 'production',
          POD_NAME: 'operator-0',
          POD_NAMESPACE: namespace.name,
        },
      },
    );

    const leases = kubeConfig.makeApiClient(CoordinationV1Api);
    const lease = await waitFor(
      async () => {
        const found = await leases.readNamespacedLease({
          name: `${release}-planner-operator`,
          namespace: namespace.name,
        });
        return found.spec?.holderIdentity === undefined ? undefined : found;
      },
      { description: 'the operator to hold its leader Lease', timeoutMs: 30_000, intervalMs: 250, process: operator },
    );
    expect(lease.spec?.holderIdentity).toBeTruthy();

    const autoscaling = kubeConfig.makeApiClient(AutoscalingV2Api);
    const hpa = await waitFor(
      async () => {
        const list = await autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace: namespace.name });
        return list.items.find((item) => item.spec?.scaleTargetRef.name === `${release}-planner-server`);
      },
      {
        description: "the operator to create the PlannerApp's HPA",
        timeoutMs: 30_000,
        intervalMs: 250,
        process: operator,
      },
    );
    expect(hpa.spec).toMatchObject({ minReplicas: 2, maxReplicas: 10 });

    const log = await readFile(logFile, 'utf8');
    expect(log).not.toMatch(/forbidden/i);
  }, 90_000);
});
