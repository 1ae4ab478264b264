// Measures what single API requests cost the private control plane, 1,000 at a time with 16 in
// flight and nothing watching. It times HPA creates (the operator benchmark's baseline),
// PlannerApp creates (a first round in a fresh namespace, then a warm one), and each write the
// operator sends per new app. Together they show the floor under the operator benchmark's ratio:
// the PlannerApp creates and the HPA writes alone, with no operator overhead at all.
// Run with `node bench/operator/write-costs.ts [--count 1000]`.
import { parseArgs } from 'node:util';
import { appFinalizer } from '../../operator/api/constants.ts';
import { plannerApiVersion, resourceTypes } from '../../operator/api/resources.ts';
import { KubeClient } from '../../operator/runtime/client.ts';
import type { KubeObject } from '../../operator/runtime/objects.ts';
import { startControlPlane } from '../../test/harness/control-plane.ts';
import { cpuSecondsNaming } from './process-cpu.ts';

const { values } = parseArgs({ options: { count: { type: 'string', default: '1000' } } });
const count = Number(values.count);
const inFlight = 16;
const names = Array.from({ length: count }, (_, index) => `app-${index}`);

async function pool(task: (name: string) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < names.length) await task(names[next++] as string);
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

const hpa = (namespace: string, name: string, min: number): KubeObject =>
  ({
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name, namespace },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: min,
      maxReplicas: 5,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
      ],
    },
  }) as KubeObject;

const plannerApp = (name: string): KubeObject =>
  ({
    apiVersion: plannerApiVersion,
    kind: 'PlannerApp',
    metadata: { name },
    spec: { workloadRef: { name }, database: { secretRef: { name: 'db' } }, replicas: { min: 2, max: 5 } },
  }) as KubeObject;

const controlPlane = await startControlPlane({ controllerManager: false });
const client = new KubeClient({ kubeConfig: controlPlane.kubeConfig });
const rows: { request: string; seconds: number; cpuSeconds: number }[] = [];

async function measure(request: string, task: (name: string) => Promise<unknown>): Promise<void> {
  const cpuBefore = cpuSecondsNaming(controlPlane.directory);
  const started = performance.now();
  await pool(task);
  rows.push({
    request,
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: cpuSecondsNaming(controlPlane.directory) - cpuBefore,
  });
}

try {
  for (const namespace of ['first', 'warm']) {
    await client.create(resourceTypes.namespace, undefined, { metadata: { name: namespace } } as KubeObject);
  }
  await measure('HPA create', (name) => client.create(resourceTypes.hpa, 'first', hpa('first', name, 2)));
  await measure('PlannerApp create, first use of the CRD', (name) =>
    client.create(resourceTypes.plannerApp, 'first', plannerApp(name)),
  );
  await measure('PlannerApp create, warm', (name) => client.create(resourceTypes.plannerApp, 'warm', plannerApp(name)));
  await measure('PlannerApp finalizer merge patch', (name) =>
    client.patch(resourceTypes.plannerApp, 'warm', name, { metadata: { finalizers: [appFinalizer] } }),
  );
  await measure('PlannerApp status GET and PUT', async (name) => {
    const app = await client.get(resourceTypes.plannerApp, 'warm', name);
    const now = new Date().toISOString();
    const condition = { type: 'Ready', status: 'True', reason: 'Reconciled', message: 'ok', lastTransitionTime: now };
    const status = { observedGeneration: 1, phase: 'Active', effectiveMinReplicas: 2, conditions: [condition] };
    await client.replace(resourceTypes.plannerApp, { ...app, status } as KubeObject, 'status');
  });
  await measure('PlannerApp GET', (name) => client.get(resourceTypes.plannerApp, 'warm', name));
  await measure('HPA server-side apply, create', (name) =>
    client.apply(resourceTypes.hpa, hpa('warm', name, 2), 'bench'),
  );
  await measure('Event create', (name) =>
    client.create(resourceTypes.event, 'warm', {
      metadata: { generateName: `${name}.` },
      involvedObject: { apiVersion: plannerApiVersion, kind: 'PlannerApp', name, namespace: 'warm' },
      type: 'Normal',
      reason: 'AutoscalerApplied',
      message: `Created HorizontalPodAutoscaler ${name}`,
      source: { component: 'bench' },
    } as KubeObject),
  );
  console.log(`| Request (${count}, ${inFlight} in flight) | Wall time | Control plane CPU |`);
  console.log('| --- | ---: | ---: |');
  for (const row of rows)
    console.log(`| ${row.request} | ${row.seconds.toFixed(2)} s | ${row.cpuSeconds.toFixed(2)} s |`);
} finally {
  client.close();
  await controlPlane.stop();
}
