import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { V1Deployment, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { resourceTypes } from '../../../operator/api/resources.ts';
import type { KubeClient } from '../../../operator/runtime/client.ts';
import { TestClock } from '../../../operator/runtime/clock.ts';
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
} from './support.ts';

const spec = {
  workloadRef: { name: 'web' },
  database: { secretRef: { name: 'db' } },
  replicas: { min: 2, max: 5 },
};

describe('PlannerApp controller', () => {
  let namespace: TestNamespace;
  let client: KubeClient;
  let operator: Manager;
  const clock = new TestClock();

  beforeAll(async () => {
    const kubeConfig = loadTestKubeConfig();
    namespace = await createTestNamespace(kubeConfig, 'op-app');
    client = testClient(kubeConfig);
    await createDeployment(client, namespace.name, 'web', 1);
    await createDatabaseSecret(client, namespace.name, 'db');
    operator = await startTestOperator({ kubeConfig, namespace: namespace.name, clock });
  });

  afterAll(async () => {
    await operator?.stop();
    await namespace?.delete();
    client?.close();
  });

  it('creates an owned HPA and reports Active', async () => {
    await createApp(client, namespace.name, 'web', spec);
    const hpa = await eventually(
      'HPA web',
      () => readHpa(client, namespace.name, 'web'),
      (h) => h !== undefined,
    );
    expect(hpa?.spec?.minReplicas).toBe(2);
    expect(hpa?.spec?.maxReplicas).toBe(5);
    expect(hpa?.spec?.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' });
    expect(hpa?.spec?.metrics?.[0]?.resource?.target.averageUtilization).toBe(80);
    expect(hpa?.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'PlannerApp', name: 'web', controller: true });

    const app = await eventually(
      'app Active',
      () => readApp(client, namespace.name, 'web'),
      (a) => a.status?.phase === 'Active',
    );
    expect(app.status?.effectiveMinReplicas).toBe(2);
    expect(app.status?.hpaName).toBe('web');
    expect(app.status?.observedGeneration).toBe(app.metadata?.generation);
    expect(app.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(app.metadata?.finalizers).toContain('planner.bbcagents.io/release-workload');
  });

  it('updates the HPA when the spec changes', async () => {
    await client.patch(resourceTypes.plannerApp, namespace.name, 'web', {
      spec: { replicas: { min: 3, max: 7, targetMemoryUtilizationPercentage: 70 } },
    });
    const hpa = await eventually(
      'HPA with 3 to 7 replicas',
      () => readHpa(client, namespace.name, 'web'),
      (h) => h?.spec?.minReplicas === 3 && h.spec.maxReplicas === 7,
    );
    expect(hpa?.spec?.metrics?.map((metric) => metric.resource?.name)).toEqual(['cpu', 'memory']);
  });

  it('recreates a deleted HPA', async () => {
    const before = await readHpa(client, namespace.name, 'web');
    await client.delete(resourceTypes.hpa, namespace.name, 'web');
    const after = await eventually(
      'a new HPA web',
      () => readHpa(client, namespace.name, 'web'),
      (h) => h !== undefined && h.metadata?.uid !== before?.metadata?.uid,
    );
    expect(after?.spec?.minReplicas).toBe(3);
  });

  it('reverts a hand edit of the HPA', async () => {
    await client.patch(resourceTypes.hpa, namespace.name, 'web', { spec: { maxReplicas: 20 } });
    const hpa = await eventually(
      'HPA max back to 7',
      () => readHpa(client, namespace.name, 'web'),
      (h) => h?.spec?.maxReplicas === 7,
    );
    expect(hpa?.spec?.maxReplicas).toBe(7);
  });

  it('removes the HPA while paused and brings it back', async () => {
    await client.patch(resourceTypes.deployment, namespace.name, 'web', { spec: { replicas: 4 } }, 'scale');
    await client.patch(resourceTypes.plannerApp, namespace.name, 'web', { spec: { paused: true } });
    await eventually(
      'HPA gone',
      () => readHpa(client, namespace.name, 'web'),
      (h) => h === undefined,
    );
    const app = await eventually(
      'app Paused',
      () => readApp(client, namespace.name, 'web'),
      (a) => a.status?.phase === 'Paused',
    );
    expect(app.status?.hpaName).toBeUndefined();
    const deployment = await client.get<V1Deployment>(resourceTypes.deployment, namespace.name, 'web');
    expect(deployment.spec?.replicas).toBe(4);

    await client.patch(resourceTypes.plannerApp, namespace.name, 'web', { spec: { paused: false } });
    await eventually(
      'HPA back',
      () => readHpa(client, namespace.name, 'web'),
      (h) => h !== undefined,
    );
  });

  it('reports another HPA as a conflict and stands aside', async () => {
    await client.create<V2HorizontalPodAutoscaler>(resourceTypes.hpa, namespace.name, {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'someone-else', namespace: namespace.name },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        minReplicas: 1,
        maxReplicas: 3,
      },
    });
    const app = await eventually(
      'AutoscalerConflict True',
      () => readApp(client, namespace.name, 'web'),
      (a) => a.status?.conditions?.find((c) => c.type === 'AutoscalerConflict')?.status === 'True',
    );
    expect(app.status?.phase).toBe('Degraded');
    expect(app.status?.conditions?.find((c) => c.type === 'AutoscalerConflict')?.message).toContain('someone-else');
    await eventually(
      'own HPA removed',
      () => readHpa(client, namespace.name, 'web'),
      (h) => h === undefined,
    );
    const other = await readHpa(client, namespace.name, 'someone-else');
    expect(other?.spec?.maxReplicas).toBe(3);

    await client.delete(resourceTypes.hpa, namespace.name, 'someone-else');
    await eventually(
      'own HPA back',
      () => readHpa(client, namespace.name, 'web'),
      (h) => h !== undefined,
    );
  });

  it('reports a missing workload and recovers when it appears', async () => {
    await createApp(client, namespace.name, 'late', { ...spec, workloadRef: { name: 'late' } });
    const app = await eventually(
      'WorkloadAvailable False',
      () => readApp(client, namespace.name, 'late'),
      (a) => a.status?.conditions?.find((c) => c.type === 'WorkloadAvailable')?.status === 'False',
    );
    expect(app.status?.conditions?.find((c) => c.type === 'WorkloadAvailable')?.reason).toBe('WorkloadNotFound');
    expect(await readHpa(client, namespace.name, 'late')).toBeUndefined();

    await createDeployment(client, namespace.name, 'late', 1);
    await eventually(
      'app late Active',
      () => readApp(client, namespace.name, 'late'),
      (a) => a.status?.phase === 'Active',
    );
    await eventually(
      'HPA late',
      () => readHpa(client, namespace.name, 'late'),
      (h) => h !== undefined,
    );
  });

  it('reports a bad Secret and clears it after the Secret is fixed', async () => {
    await createDeployment(client, namespace.name, 'nosecret', 1);
    await createApp(client, namespace.name, 'nosecret', {
      ...spec,
      workloadRef: { name: 'nosecret' },
      database: { secretRef: { name: 'partial' } },
    });
    await eventually(
      'SecretNotFound',
      () => readApp(client, namespace.name, 'nosecret'),
      (a) => a.status?.conditions?.find((c) => c.type === 'DatabaseSecretValid')?.reason === 'SecretNotFound',
    );
    await client.create(resourceTypes.secret, namespace.name, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'partial' },
      stringData: { host: 'db', port: '5432' },
    } as never);
    clock.advance(61_000);
    const app = await eventually(
      'SecretKeysMissing',
      () => readApp(client, namespace.name, 'nosecret'),
      (a) => a.status?.conditions?.find((c) => c.type === 'DatabaseSecretValid')?.reason === 'SecretKeysMissing',
    );
    expect(app.status?.conditions?.find((c) => c.type === 'DatabaseSecretValid')?.message).toContain(
      'database, username, password',
    );

    await client.patch(resourceTypes.secret, namespace.name, 'partial', {
      stringData: { url: 'postgres://x@db/planner' },
    });
    clock.advance(61_000);
    await eventually(
      'Secret valid',
      () => readApp(client, namespace.name, 'nosecret'),
      (a) => a.status?.phase === 'Active',
    );
  });

  it('hands the workload back at the chosen replicas on deletion', async () => {
    await client.patch(resourceTypes.plannerApp, namespace.name, 'web', { spec: { deletion: { replicas: 6 } } });
    await eventually(
      'spec applied',
      () => readApp(client, namespace.name, 'web'),
      (a) => a.status?.observedGeneration === a.metadata?.generation,
    );
    await client.delete(resourceTypes.plannerApp, namespace.name, 'web');
    await eventually(
      'app gone',
      () => client.find(resourceTypes.plannerApp, namespace.name, 'web'),
      (a) => a === undefined,
    );
    expect(await readHpa(client, namespace.name, 'web')).toBeUndefined();
    const deployment = await client.get<V1Deployment>(resourceTypes.deployment, namespace.name, 'web');
    expect(deployment.spec?.replicas).toBe(6);
  });
});
