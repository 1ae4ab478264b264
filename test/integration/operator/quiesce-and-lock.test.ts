import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import { quiesceAnnotation } from '../../../operator/api/constants.ts';
import { resourceTypes } from '../../../operator/api/resources.ts';
import { acquireAppLock, readAppLock, releaseAppLock } from '../../../operator/locks/index.ts';
import { getQuiesceState, QuiesceHeldError, releaseQuiesce, requestQuiesce } from '../../../operator/quiesce/index.ts';
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

describe('quiesce and the app lock', () => {
  let namespace: TestNamespace;
  let client: KubeClient;
  let operator: Manager;
  const clock = new TestClock();
  const holder = 'restore/nightly-fix';

  beforeAll(async () => {
    const kubeConfig = loadTestKubeConfig();
    namespace = await createTestNamespace(kubeConfig, 'op-quiesce');
    client = testClient(kubeConfig);
    await createDeployment(client, namespace.name, 'web', 3);
    await createDatabaseSecret(client, namespace.name, 'db');
    operator = await startTestOperator({ kubeConfig, namespace: namespace.name, clock });
    await createApp(client, namespace.name, 'web', {
      workloadRef: { name: 'web' },
      database: { secretRef: { name: 'db' } },
      replicas: { min: 2, max: 5 },
    });
    await eventually(
      'app Active',
      () => readApp(client, namespace.name, 'web'),
      (a) => a.status?.phase === 'Active',
    );
    await eventually(
      'three pods',
      () => listPods(),
      (pods) => pods.length === 3,
    );
  });

  afterAll(async () => {
    await operator?.stop();
    await namespace?.delete();
    client?.close();
  });

  async function listPods(): Promise<V1Pod[]> {
    return (await client.list<V1Pod>(resourceTypes.pod, namespace.name, { labelSelector: 'app=web' })).items;
  }

  it('scales to zero, waits for the pods and shows Restoring', async () => {
    const request = await requestQuiesce(client, {
      namespace: namespace.name,
      app: 'web',
      holder,
      purpose: 'Restore',
      now: clock.now(),
    });
    expect(request).toMatchObject({ holder, savedReplicas: 3, savedMinReplicas: 2, savedMaxReplicas: 5 });

    const state = await eventually(
      'Quiesced',
      () => getQuiesceState(client, namespace.name, 'web'),
      (s) => s.phase === 'Quiesced',
    );
    expect(state.request?.holder).toBe(holder);
    expect(await listPods()).toHaveLength(0);
    const deployment = await client.get<V1Deployment>(resourceTypes.deployment, namespace.name, 'web');
    expect(deployment.spec?.replicas).toBe(0);

    const app = await eventually(
      'phase Restoring',
      () => readApp(client, namespace.name, 'web'),
      (a) => a.status?.phase === 'Restoring',
    );
    expect(app.status?.quiesce).toMatchObject({ holder, savedReplicas: 3, purpose: 'Restore' });
    const hpa = await readHpa(client, namespace.name, 'web');
    expect(hpa?.spec?.minReplicas).toBe(2);
  });

  it('holds at zero when someone scales the app up', async () => {
    await client.patch(resourceTypes.deployment, namespace.name, 'web', { spec: { replicas: 2 } }, 'scale');
    const deployment = await eventually(
      'back at zero',
      () => client.get<V1Deployment>(resourceTypes.deployment, namespace.name, 'web'),
      (d) => d.spec?.replicas === 0,
    );
    expect(deployment.spec?.replicas).toBe(0);
  });

  it('rejects a second holder and repeats for the same one', async () => {
    const params = { namespace: namespace.name, app: 'web', purpose: 'Restore' as const, now: clock.now() };
    await expect(requestQuiesce(client, { ...params, holder: 'restore/other' })).rejects.toBeInstanceOf(
      QuiesceHeldError,
    );
    const again = await requestQuiesce(client, { ...params, holder });
    expect(again.savedReplicas).toBe(3);
  });

  it('resumes at the saved replicas and removes the annotation', async () => {
    expect(await releaseQuiesce(client, { namespace: namespace.name, app: 'web', holder: 'restore/other' })).toBe(
      false,
    );
    expect(await releaseQuiesce(client, { namespace: namespace.name, app: 'web', holder })).toBe(true);
    await eventually(
      'phase None',
      () => getQuiesceState(client, namespace.name, 'web'),
      (s) => s.phase === 'None',
    );
    const deployment = await client.get<V1Deployment>(resourceTypes.deployment, namespace.name, 'web');
    expect(deployment.spec?.replicas).toBe(3);
    const app = await eventually(
      'phase Active',
      () => readApp(client, namespace.name, 'web'),
      (a) => a.status?.phase === 'Active',
    );
    expect(app.metadata?.annotations?.[quiesceAnnotation]).toBeUndefined();
    expect(app.status?.quiesce).toBeUndefined();
  });

  it('lets one holder at a time take the app lock', async () => {
    const base = { namespace: namespace.name, app: 'web', durationSeconds: 600, now: clock.now() };
    expect(await acquireAppLock(client, { ...base, holder: 'backup/nightly/1' })).toEqual({ acquired: true });
    const refused = await acquireAppLock(client, { ...base, holder: 'restore/fix' });
    expect(refused).toMatchObject({ acquired: false, holder: 'backup/nightly/1' });
    expect(await acquireAppLock(client, { ...base, holder: 'backup/nightly/1' })).toEqual({ acquired: true });
    expect((await readAppLock(client, namespace.name, 'web', clock.now()))?.holder).toBe('backup/nightly/1');

    expect(await releaseAppLock(client, { namespace: namespace.name, app: 'web', holder: 'restore/fix' })).toBe(false);
    expect(await releaseAppLock(client, { namespace: namespace.name, app: 'web', holder: 'backup/nightly/1' })).toBe(
      true,
    );
    expect(await readAppLock(client, namespace.name, 'web', clock.now())).toBeUndefined();
    expect(await acquireAppLock(client, { ...base, holder: 'restore/fix' })).toEqual({ acquired: true });
  });

  it('treats an expired lock as free', async () => {
    const later = new Date(clock.now().getTime() + 601_000);
    expect(await readAppLock(client, namespace.name, 'web', later)).toBeUndefined();
    const result = await acquireAppLock(client, {
      namespace: namespace.name,
      app: 'web',
      holder: 'backup/nightly/2',
      durationSeconds: 600,
      now: later,
    });
    expect(result).toEqual({ acquired: true });
  });
});
