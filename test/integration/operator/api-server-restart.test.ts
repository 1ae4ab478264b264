import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { resourceTypes } from '../../../operator/api/resources.ts';
import type { KubeClient } from '../../../operator/runtime/client.ts';
import type { Manager } from '../../../operator/runtime/manager.ts';
import { createTestNamespace, type TestNamespace } from '../../harness/context.ts';
import { startControlPlane, type ControlPlane } from '../../harness/control-plane.ts';
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

describe('operator across an API server restart', () => {
  let controlPlane: ControlPlane;
  let namespace: TestNamespace;
  let client: KubeClient;
  let operator: Manager;

  beforeAll(async () => {
    controlPlane = await startControlPlane();
    namespace = await createTestNamespace(controlPlane.kubeConfig, 'op-restart');
    client = testClient(controlPlane.kubeConfig);
    await createDatabaseSecret(client, namespace.name, 'db');
    await createDeployment(client, namespace.name, 'web', 1);
    operator = await startTestOperator({
      kubeConfig: controlPlane.kubeConfig,
      namespace: namespace.name,
      leaderElect: true,
    });
    await createApp(client, namespace.name, 'web', {
      workloadRef: { name: 'web' },
      database: { secretRef: { name: 'db' } },
      replicas: { min: 1, max: 3 },
    });
    await eventually(
      'app Active',
      () => readApp(client, namespace.name, 'web'),
      (a) => a.status?.phase === 'Active',
      30_000,
    );
  }, 120_000);

  afterAll(async () => {
    await operator?.stop();
    client?.close();
    await controlPlane?.stop();
  }, 60_000);

  it('reconnects its watches and catches up', async () => {
    await controlPlane.restartApiServer();
    await client.patch(resourceTypes.plannerApp, namespace.name, 'web', { spec: { replicas: { max: 8 } } });
    const hpa = await eventually(
      'HPA max 8',
      () => readHpa(client, namespace.name, 'web'),
      (h) => h?.spec?.maxReplicas === 8,
      45_000,
    );
    expect(hpa?.spec?.maxReplicas).toBe(8);

    await client.delete(resourceTypes.hpa, namespace.name, 'web');
    await eventually(
      'HPA recreated',
      () => readHpa(client, namespace.name, 'web'),
      (h) => h !== undefined,
      30_000,
    );
    const restarts = await operator.metrics.watchRestarts.get();
    const reasons = restarts.values
      .filter((value) => value.labels.resource === 'plannerapps' && value.value > 0)
      .map((value) => value.labels.reason);
    // Connection errors while the server is down, then 410 Gone: a restarted API server's watch
    // cache starts at etcd's current revision, which the lease renewals have moved past the
    // informer's last resourceVersion, so the informer must list again.
    expect(reasons).toContain('Error');
    expect(reasons).toContain('Gone');
    expect(operator.isLeader()).toBe(true);
  }, 120_000);
});
