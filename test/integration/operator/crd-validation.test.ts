import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { plannerApiVersion, resourceTypes, type ResourceType } from '../../../operator/api/resources.ts';
import type { KubeClient } from '../../../operator/runtime/client.ts';
import { ApiError } from '../../../operator/runtime/errors.ts';
import type { KubeObject } from '../../../operator/runtime/objects.ts';
import { createTestNamespace, loadTestKubeConfig, type TestNamespace } from '../../harness/context.ts';
import { testClient } from './support.ts';

const app = {
  workloadRef: { name: 'web' },
  database: { secretRef: { name: 'db' } },
  replicas: { min: 1, max: 3 },
};
const pvcStorage = { pvc: { claimName: 'backups' } };

async function rejection(client: KubeClient, type: ResourceType, namespace: string, spec: unknown) {
  const body = {
    apiVersion: plannerApiVersion,
    kind: type.kind,
    metadata: { generateName: 'bad-' },
    spec,
  } as KubeObject;
  try {
    await client.create(type, namespace, body);
  } catch (error) {
    if (error instanceof ApiError && error.statusCode === 422) return error.message;
    throw error;
  }
  throw new Error(`the API server accepted an invalid ${type.kind}: ${JSON.stringify(spec)}`);
}

describe('CRD validation', () => {
  let namespace: TestNamespace;
  let client: KubeClient;

  beforeAll(async () => {
    const kubeConfig = loadTestKubeConfig();
    namespace = await createTestNamespace(kubeConfig, 'op-crd');
    client = testClient(kubeConfig);
  });

  afterAll(async () => {
    await namespace?.delete();
    client?.close();
  });

  it.each([
    [
      'min above max',
      { ...app, replicas: { min: 4, max: 2 } },
      'replicas.min must be less than or equal to replicas.max',
    ],
    ['zero min', { ...app, replicas: { min: 0, max: 2 } }, 'should be greater than or equal to 1'],
    [
      'a schedule min above its max',
      { ...app, schedules: [{ name: 'a', cron: '0 9 * * *', duration: '1h', min: 5, max: 2 }] },
      "a schedule's min must be less than or equal to its max",
    ],
    [
      'a malformed duration',
      { ...app, schedules: [{ name: 'a', cron: '0 9 * * *', duration: '1d', min: 2 }] },
      'duration',
    ],
    ['a six-field cron', { ...app, schedules: [{ name: 'a', cron: '0 0 9 * * *', duration: '1h', min: 2 }] }, 'cron'],
    [
      'a Deployment of another kind',
      { ...app, workloadRef: { name: 'web', kind: 'StatefulSet' } },
      'supported values: "Deployment"',
    ],
  ])('rejects a PlannerApp with %s', async (_label, spec, message) => {
    expect(await rejection(client, resourceTypes.plannerApp, namespace.name, spec)).toContain(message);
  });

  it.each([
    ['no storage kind', { appRef: { name: 'web' }, storage: {} }, 'storage must set exactly one of pvc or s3'],
    [
      'two storage kinds',
      {
        appRef: { name: 'web' },
        storage: { ...pvcStorage, s3: { bucket: 'abc', credentialsSecretRef: { name: 's' } } },
      },
      'storage must set exactly one of pvc or s3',
    ],
    [
      'a path with ..',
      { appRef: { name: 'web' }, storage: { pvc: { claimName: 'b', path: 'x/../y' } } },
      "pvc.path must not contain '..'",
    ],
    [
      'an unknown format',
      { appRef: { name: 'web' }, storage: pvcStorage, format: 'tar' },
      'supported values: "custom", "plain"',
    ],
    ['keepLast zero', { appRef: { name: 'web' }, storage: pvcStorage, retention: { keepLast: 0 } }, 'keepLast'],
    [
      'an unknown deletion policy',
      { appRef: { name: 'web' }, storage: pvcStorage, deletionPolicy: 'Purge' },
      'deletionPolicy',
    ],
  ])('rejects a PlannerBackup with %s', async (_label, spec, message) => {
    expect(await rejection(client, resourceTypes.plannerBackup, namespace.name, spec)).toContain(message);
  });

  it.each([
    ['no source', { appRef: { name: 'web' }, source: {} }, 'source must set exactly one of backupRef or storage'],
    [
      'a backupId beside a backupRef',
      { appRef: { name: 'web' }, source: { backupRef: { name: 'nightly' }, backupId: 'x' } },
      'source.backupId applies to source.storage only',
    ],
  ])('rejects a PlannerRestore with %s', async (_label, spec, message) => {
    expect(await rejection(client, resourceTypes.plannerRestore, namespace.name, spec)).toContain(message);
  });

  it('fills in defaults', async () => {
    const backup = await client.create<KubeObject & { spec: Record<string, unknown> }>(
      resourceTypes.plannerBackup,
      namespace.name,
      {
        apiVersion: plannerApiVersion,
        kind: 'PlannerBackup',
        metadata: { name: 'defaults' },
        spec: { appRef: { name: 'web' }, storage: { s3: { bucket: 'abc', credentialsSecretRef: { name: 's' } } } },
      },
    );
    expect(backup.spec).toMatchObject({
      timeZone: 'UTC',
      suspend: false,
      format: 'custom',
      deletionPolicy: 'Retain',
      retention: { keepLast: 7 },
      job: { activeDeadlineSeconds: 3600, backoffLimit: 0 },
      storage: {
        s3: {
          region: 'us-east-1',
          forcePathStyle: false,
          credentialsSecretRef: { accessKeyIdKey: 'AWS_ACCESS_KEY_ID' },
        },
      },
    });
  });

  it('makes a PlannerRestore spec immutable', async () => {
    const restore = await client.create<KubeObject & { spec: Record<string, unknown> }>(
      resourceTypes.plannerRestore,
      namespace.name,
      {
        apiVersion: plannerApiVersion,
        kind: 'PlannerRestore',
        metadata: { name: 'once' },
        spec: { appRef: { name: 'web' }, source: { backupRef: { name: 'nightly' } } },
      },
    );
    expect(restore.spec).toMatchObject({ quiesce: true, safetyBackup: true });
    await expect(
      client.patch(resourceTypes.plannerRestore, namespace.name, 'once', { spec: { quiesce: false } }),
    ).rejects.toThrow('spec is immutable; create a new PlannerRestore instead');
  });

  it('makes a PlannerApp workload immutable', async () => {
    await client.create(resourceTypes.plannerApp, namespace.name, {
      apiVersion: plannerApiVersion,
      kind: 'PlannerApp',
      metadata: { name: 'fixed' },
      spec: app,
    } as KubeObject);
    await expect(
      client.patch(resourceTypes.plannerApp, namespace.name, 'fixed', { spec: { workloadRef: { name: 'other' } } }),
    ).rejects.toThrow('workloadRef.name is immutable');
  });
});
