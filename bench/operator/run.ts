// Benchmark of the PlannerApp controller against a private control plane:
// 1. baseline: create N HPAs directly and time until all exist;
// 2. operator: create N PlannerApps and time until the operator has created every HPA;
// 3. the operator's peak RSS and its API write calls during a quiet period.
// Run with `npm run build && node bench/operator/run.ts [--apps 1000] [--namespaces 20] [--quiet-seconds 60]`.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { KubeConfig } from '@kubernetes/client-node';
import { plannerApiVersion, resourceTypes } from '../../operator/api/resources.ts';
import { KubeClient } from '../../operator/runtime/client.ts';
import type { KubeObject } from '../../operator/runtime/objects.ts';
import { startControlPlane } from '../../test/harness/control-plane.ts';
import { repositoryRoot } from '../../test/harness/paths.ts';
import { findFreePort, startProcess, waitFor } from '../../test/harness/processes.ts';
import { cpuSecondsNaming, processCpuSeconds } from './process-cpu.ts';

const { values } = parseArgs({
  options: {
    apps: { type: 'string', default: '1000' },
    namespaces: { type: 'string', default: '20' },
    'quiet-seconds': { type: 'string', default: '60' },
    concurrency: { type: 'string', default: '16' },
  },
});
const appCount = Number(values.apps);
const namespaceCount = Number(values.namespaces);
const quietSeconds = Number(values['quiet-seconds']);
const clientConcurrency = 16;

/** Runs tasks with at most `limit` in flight. */
async function pool<T>(items: readonly T[], limit: number, task: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

function targets(prefix: string): { namespace: string; name: string }[] {
  return Array.from({ length: appCount }, (_, index) => ({
    namespace: `${prefix}-${index % namespaceCount}`,
    name: `app-${index}`,
  }));
}

async function countHpas(client: KubeClient, prefix: string): Promise<number> {
  const list = await client.list(resourceTypes.hpa, undefined, { limit: 5000 });
  return list.items.filter((item) => item.metadata?.namespace?.startsWith(`${prefix}-`)).length;
}

async function waitForHpas(client: KubeClient, prefix: string, started: number): Promise<number> {
  await waitFor(async () => ((await countHpas(client, prefix)) >= appCount ? true : undefined), {
    description: `${appCount} HPAs in ${prefix}-*`,
    timeoutMs: 600_000,
    intervalMs: 50,
  });
  return (performance.now() - started) / 1000;
}

async function prepareNamespaces(client: KubeClient, prefix: string, withApps: boolean): Promise<void> {
  for (let index = 0; index < namespaceCount; index++) {
    const namespace = `${prefix}-${index}`;
    await client.create(resourceTypes.namespace, undefined, { metadata: { name: namespace } } as KubeObject);
    if (!withApps) continue;
    await client.create(resourceTypes.secret, namespace, {
      metadata: { name: 'db' },
      stringData: { url: 'postgres://planner@127.0.0.1/planner' },
    } as KubeObject);
  }
  if (!withApps) return;
  await pool(targets(prefix), clientConcurrency, ({ namespace, name }) =>
    client.create(resourceTypes.deployment, namespace, deploymentBody(name)),
  );
}

function deploymentBody(name: string): KubeObject {
  return {
    metadata: { name },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'main', image: 'planner:bench' }] },
      },
    },
  } as KubeObject;
}

function hpaBody(name: string): KubeObject {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: 2,
      maxReplicas: 5,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
      ],
    },
  } as KubeObject;
}

function plannerAppBody(name: string): KubeObject {
  return {
    apiVersion: plannerApiVersion,
    kind: 'PlannerApp',
    metadata: { name },
    spec: { workloadRef: { name }, database: { secretRef: { name: 'db' } }, replicas: { min: 2, max: 5 } },
  } as KubeObject;
}

// The API server sets up some things on the first write of a kind (for a custom resource about
// 2 s here), so each side writes one object of its kinds in a namespace of its own before timing.
async function warmUp(client: KubeClient, namespace: string, withApp: boolean): Promise<void> {
  await client.create(resourceTypes.namespace, undefined, { metadata: { name: namespace } } as KubeObject);
  if (!withApp) {
    await client.create(resourceTypes.hpa, namespace, hpaBody('warm'));
    return;
  }
  await client.create(resourceTypes.secret, namespace, {
    metadata: { name: 'db' },
    stringData: { url: 'postgres://planner@127.0.0.1/planner' },
  } as KubeObject);
  await client.create(resourceTypes.deployment, namespace, deploymentBody('warm'));
  await client.create(resourceTypes.plannerApp, namespace, plannerAppBody('warm'));
  await waitFor(
    async () => ((await client.find(resourceTypes.hpa, namespace, 'warm')) === undefined ? undefined : true),
    {
      description: `the HPA of the warm-up PlannerApp in ${namespace}`,
      timeoutMs: 60_000,
      intervalMs: 50,
    },
  );
}

async function runBaseline(client: KubeClient, directory: string) {
  await prepareNamespaces(client, 'base', false);
  await warmUp(client, 'warm-base', false);
  const cpuBefore = cpuSecondsNaming(directory);
  const started = performance.now();
  await pool(targets('base'), clientConcurrency, ({ namespace, name }) =>
    client.create(resourceTypes.hpa, namespace, hpaBody(name)),
  );
  const seconds = await waitForHpas(client, 'base', started);
  return { seconds, controlPlaneCpuSeconds: cpuSecondsNaming(directory) - cpuBefore };
}

async function metricsText(port: number): Promise<string> {
  return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
}

function writeCalls(metrics: string): number {
  return metrics
    .split('\n')
    .filter((line) => line.startsWith('planner_operator_api_requests_total{') && !/verb="(GET|WATCH)"/.test(line))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

/** A memory figure of /proc/PID/status in MiB: VmHWM is the peak resident set size, VmRSS the current one. */
function memoryMiB(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return kib / 1024;
}

async function runOperator(client: KubeClient, kubeconfigPath: string, logDirectory: string) {
  await prepareNamespaces(client, 'bench', true);
  const cli = join(repositoryRoot, 'dist', 'operator', 'cli.js');
  if (!existsSync(cli)) throw new Error('dist/operator/cli.js is missing; run npm run build first');
  const metricsPort = await findFreePort();
  const operator = startProcess(
    'planner-operator',
    process.execPath,
    [
      cli,
      '--kubeconfig',
      kubeconfigPath,
      '--leader-elect',
      'false',
      '--concurrency',
      String(values.concurrency),
      '--metrics-bind-address',
      `127.0.0.1:${metricsPort}`,
      '--health-probe-bind-address',
      '0',
      '--log-level',
      'warn',
    ],
    join(logDirectory, 'operator.log'),
  );
  try {
    await waitFor(
      async () => ((await metricsText(metricsPort)).includes('planner_operator_leader 1') ? true : undefined),
      {
        description: 'the operator to start',
        timeoutMs: 60_000,
        process: operator,
      },
    );
    await warmUp(client, 'warm-bench', true);
    const writesBefore = writeCalls(await metricsText(metricsPort));
    const cpuBefore = cpuSecondsNaming(logDirectory, operator.child.pid);
    const started = performance.now();
    await pool(targets('bench'), clientConcurrency, ({ namespace, name }) =>
      client.create(resourceTypes.plannerApp, namespace, plannerAppBody(name)),
    );
    const seconds = await waitForHpas(client, 'bench', started);
    const convergenceCpuSeconds = processCpuSeconds(operator.child.pid as number);
    const convergenceControlPlaneCpuSeconds = cpuSecondsNaming(logDirectory, operator.child.pid) - cpuBefore;
    if (process.env.BENCH_DEBUG !== undefined) {
      const text = await metricsText(metricsPort);
      console.error(
        text
          .split('\n')
          .filter((line) => /reconcile_duration_seconds_(sum|count)|reconcile_total|api_requests_total/.test(line))
          .join('\n'),
      );
    }
    await waitFor(
      async () =>
        /planner_operator_workqueue_depth\{controller="plannerapp"\} 0/.test(await metricsText(metricsPort))
          ? true
          : undefined,
      {
        description: 'an empty work queue',
        timeoutMs: 300_000,
        intervalMs: 500,
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const before = writeCalls(await metricsText(metricsPort));
    await new Promise((resolve) => setTimeout(resolve, quietSeconds * 1000));
    const after = writeCalls(await metricsText(metricsPort));
    return {
      seconds,
      convergenceCpuSeconds,
      convergenceControlPlaneCpuSeconds,
      peakRssMiB: memoryMiB(operator.child.pid as number, 'VmHWM'),
      steadyRssMiB: memoryMiB(operator.child.pid as number, 'VmRSS'),
      quietWrites: after - before,
      convergenceWrites: before - writesBefore,
    };
  } finally {
    await operator.stop();
  }
}

async function main(): Promise<void> {
  const controlPlane = await startControlPlane({ controllerManager: false });
  const kubeConfig: KubeConfig = controlPlane.kubeConfig;
  const client = new KubeClient({ kubeConfig });
  try {
    const baseline = await runBaseline(client, controlPlane.directory);
    const baselineSeconds = baseline.seconds;
    const result = await runOperator(client, controlPlane.kubeconfigPath, controlPlane.directory);
    const summary = {
      apps: appCount,
      namespaces: namespaceCount,
      operatorConcurrency: Number(values.concurrency),
      baselineSeconds: Number(baselineSeconds.toFixed(2)),
      operatorSeconds: Number(result.seconds.toFixed(2)),
      ratio: Number((result.seconds / baselineSeconds).toFixed(2)),
      operatorCpuSecondsAtConvergence: result.convergenceCpuSeconds,
      controlPlaneCpuSecondsBaseline: Number(baseline.controlPlaneCpuSeconds.toFixed(2)),
      controlPlaneCpuSecondsOperator: Number(result.convergenceControlPlaneCpuSeconds.toFixed(2)),
      operatorPeakRssMiB: Number(result.peakRssMiB.toFixed(1)),
      operatorRssAfterQuietMiB: Number(result.steadyRssMiB.toFixed(1)),
      quietSeconds,
      quietWriteCalls: result.quietWrites,
      writeCallsDuringConvergence: result.convergenceWrites,
    };
    console.log(JSON.stringify(summary, null, 2));
  } finally {
    client.close();
    await controlPlane.stop();
  }
}

await main();
