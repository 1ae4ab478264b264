import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { KubeConfig, V1Lease } from '@kubernetes/client-node';
import { resourceTypes } from '../../../operator/api/resources.ts';
import type { KubeClient } from '../../../operator/runtime/client.ts';
import type { Manager } from '../../../operator/runtime/manager.ts';
import { createTestNamespace, loadTestKubeConfig, type TestNamespace } from '../../harness/context.ts';
import {
  createApp,
  createDatabaseSecret,
  createDeployment,
  eventually,
  readApp,
  readHpa,
  startTestOperator,
  testClient,
  writeRequestCount,
} from './support.ts';

const appSpec = (workload: string) => ({
  workloadRef: { name: workload },
  database: { secretRef: { name: 'db' } },
  replicas: { min: 1, max: 4 },
});

describe('operator lifecycle', () => {
  let kubeConfig: KubeConfig;
  let namespace: TestNamespace;
  let client: KubeClient;
  const running: Manager[] = [];

  async function start(identity: string, leaderElect: boolean): Promise<Manager> {
    const manager = await startTestOperator({ kubeConfig, namespace: namespace.name, identity, leaderElect });
    running.push(manager);
    return manager;
  }

  async function stop(manager: Manager): Promise<void> {
    running.splice(running.indexOf(manager), 1);
    await manager.stop();
  }

  beforeAll(async () => {
    kubeConfig = loadTestKubeConfig();
    namespace = await createTestNamespace(kubeConfig, 'op-life');
    client = testClient(kubeConfig);
    await createDatabaseSecret(client, namespace.name, 'db');
    for (const name of ['one', 'two', 'three']) await createDeployment(client, namespace.name, name, 1);
  });

  afterAll(async () => {
    for (const manager of running) await manager.stop();
    await namespace?.delete();
    client?.close();
  });

  it('makes no writes after a restart when nothing changed', async () => {
    const first = await start('first', false);
    await createApp(client, namespace.name, 'one', appSpec('one'));
    await createApp(client, namespace.name, 'two', appSpec('two'));
    // The status also carries the Deployment's replica count, so the first instance must have seen
    // the Deployment settle (its Pod created by the controller manager) before it stops.
    for (const name of ['one', 'two']) {
      await eventually(
        `app ${name} Active with its Deployment settled`,
        () => readApp(client, namespace.name, name),
        (a) => a.status?.phase === 'Active' && a.status.currentReplicas === 1,
      );
    }
    await stop(first);

    const second = await start('second', false);
    await eventually(
      'two reconciles after the restart',
      async () => (await second.metrics.reconciles.get()).values.reduce((sum, value) => sum + value.value, 0),
      (count) => count >= 2,
    );
    // Give any late reconcile (for example one triggered by its own status write) time to show up.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await writeRequestCount(second)).toBe(0);
    await stop(second);
  });

  it('runs controllers on exactly one of two instances', async () => {
    const alpha = await start('alpha', true);
    const beta = await start('beta', true);
    const leader = await eventually(
      'a leader',
      async () => running.find((m) => m.isLeader()),
      (m) => m !== undefined,
    );
    const standby = leader === alpha ? beta : alpha;
    expect(standby.isLeader()).toBe(false);
    const lease = await client.get<V1Lease>(resourceTypes.lease, namespace.name, 'planner-operator');
    expect(lease.spec?.holderIdentity).toBe(leader?.identity);

    await createApp(client, namespace.name, 'three', appSpec('three'));
    await eventually(
      'HPA three',
      () => readHpa(client, namespace.name, 'three'),
      (h) => h !== undefined,
    );
    expect(await writeRequestCount(standby)).toBe(0);

    await stop(leader as Manager);
    await eventually(
      'standby leads',
      async () => standby.isLeader(),
      (leads) => leads,
      10_000,
    );
    await client.patch(resourceTypes.plannerApp, namespace.name, 'three', { spec: { replicas: { max: 6 } } });
    const hpa = await eventually(
      'HPA three max 6',
      () => readHpa(client, namespace.name, 'three'),
      (h) => h?.spec?.maxReplicas === 6,
    );
    expect(hpa?.spec?.maxReplicas).toBe(6);
  });

  it('stops reconciling at once when the lease is taken', async () => {
    const manager = running[0] as Manager;
    expect(manager.isLeader()).toBe(true);
    const lease = await client.get<V1Lease>(resourceTypes.lease, namespace.name, 'planner-operator');
    const now = new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
    await client.replace<V1Lease>(resourceTypes.lease, {
      ...lease,
      spec: { ...lease.spec, holderIdentity: 'intruder', leaseDurationSeconds: 60, renewTime: now as unknown as Date },
    });
    await eventually(
      'leadership lost',
      async () => manager.isLeader(),
      (leads) => !leads,
      5_000,
    );
    expect(manager.mayWrite()).toBe(false);

    const writesBefore = await writeRequestCount(manager);
    await client.patch(resourceTypes.plannerApp, namespace.name, 'three', { spec: { replicas: { max: 7 } } });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect((await readHpa(client, namespace.name, 'three'))?.spec?.maxReplicas).toBe(6);
    expect(await writeRequestCount(manager)).toBe(writesBefore);

    await client.delete(resourceTypes.lease, namespace.name, 'planner-operator');
    await eventually(
      'leads again',
      async () => manager.isLeader(),
      (leads) => leads,
      10_000,
    );
    await eventually(
      'HPA three max 7',
      () => readHpa(client, namespace.name, 'three'),
      (h) => h?.spec?.maxReplicas === 7,
    );
  });

  it('serves metrics and probes', async () => {
    const manager = running[0] as Manager;
    const metrics = await (await fetch(`http://127.0.0.1:${manager.metricsPort}/metrics`)).text();
    expect(metrics).toContain('planner_operator_reconcile_total{controller="plannerapp"');
    expect(metrics).toContain('planner_operator_leader 1');
    expect(metrics).toContain('planner_operator_workqueue_depth{controller="plannerapp"}');
    expect((await fetch(`http://127.0.0.1:${manager.healthPort}/readyz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${manager.healthPort}/healthz`)).status).toBe(200);
  });
});
