import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AppsV1Api, CoreV1Api, Watch, type KubeConfig, type V1ConfigMap } from '@kubernetes/client-node';
import { readCrds } from '../../harness/crds.ts';
import {
  createTestNamespace,
  loadTestKubeConfig,
  testKubeconfigPath,
  type TestNamespace,
} from '../../harness/context.ts';
import { runCommand, waitFor } from '../../harness/processes.ts';

describe('test control plane', () => {
  let kubeConfig: KubeConfig;
  let namespace: TestNamespace;
  let core: CoreV1Api;

  beforeAll(async () => {
    kubeConfig = loadTestKubeConfig();
    core = kubeConfig.makeApiClient(CoreV1Api);
    namespace = await createTestNamespace(kubeConfig, 'smoke');
  });

  afterAll(async () => {
    await namespace.delete();
  });

  it('creates, reads, watches and deletes a ConfigMap', async () => {
    const events: string[] = [];
    const watch = new Watch(kubeConfig);
    const request = await watch.watch(
      `/api/v1/namespaces/${namespace.name}/configmaps`,
      {},
      (type: string, object: V1ConfigMap) => {
        if (object.metadata?.name === 'greeting') events.push(type);
      },
      () => undefined,
    );
    try {
      await core.createNamespacedConfigMap({
        namespace: namespace.name,
        body: { metadata: { name: 'greeting' }, data: { text: 'hello' } },
      });
      const read = await core.readNamespacedConfigMap({ name: 'greeting', namespace: namespace.name });
      expect(read.data?.text).toBe('hello');

      await core.patchNamespacedConfigMap({
        name: 'greeting',
        namespace: namespace.name,
        body: [{ op: 'replace', path: '/data/text', value: 'hello again' }],
      });
      await waitFor(async () => (events.includes('MODIFIED') ? true : undefined), {
        description: 'ADDED and MODIFIED watch events',
        timeoutMs: 10_000,
      });
      expect(events.slice(0, 2)).toEqual(['ADDED', 'MODIFIED']);

      await core.deleteNamespacedConfigMap({ name: 'greeting', namespace: namespace.name });
      await waitFor(async () => (events.includes('DELETED') ? true : undefined), {
        description: 'a DELETED watch event',
        timeoutMs: 10_000,
      });
    } finally {
      request.abort();
    }
  });

  it('runs the controller manager: a Deployment gets a ReplicaSet', async () => {
    const apps = kubeConfig.makeApiClient(AppsV1Api);
    const labels = { app: 'smoke' };
    await apps.createNamespacedDeployment({
      namespace: namespace.name,
      body: {
        metadata: { name: 'smoke' },
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: { containers: [{ name: 'main', image: 'planner:test' }] } },
        },
      },
    });
    const replicaSet = await waitFor(
      async () => {
        const list = await apps.listNamespacedReplicaSet({ namespace: namespace.name });
        return list.items.find((item) => item.metadata?.ownerReferences?.[0]?.name === 'smoke');
      },
      { description: 'a ReplicaSet owned by Deployment smoke', timeoutMs: 30_000 },
    );
    expect(replicaSet.spec?.replicas).toBe(1);
  });

  it('deletes a namespace completely', async () => {
    const scratch = await createTestNamespace(kubeConfig, 'scratch');
    await core.createNamespacedConfigMap({ namespace: scratch.name, body: { metadata: { name: 'leftover' } } });
    await scratch.delete({ wait: true });
    await expect(core.readNamespace({ name: scratch.name })).rejects.toMatchObject({ code: 404 });
  });

  it('installs the CRDs with their CEL rules and defaults intact', async () => {
    // kubectl reads the raw JSON; client-node's typed deserializer would drop the keys checked here.
    for (const source of await readCrds()) {
      const output = await runCommand('kubectl', [
        '--kubeconfig',
        testKubeconfigPath(),
        'get',
        'crd',
        source.metadata?.name ?? '',
        '-o',
        'json',
      ]);
      const installed = JSON.parse(output) as { spec: { versions: unknown } };
      const text = JSON.stringify(installed.spec.versions);
      const expected = JSON.stringify(source.spec.versions);
      expect(text.split('x-kubernetes-validations').length).toBe(expected.split('x-kubernetes-validations').length);
      expect(text.split('"default"').length).toBe(expected.split('"default"').length);
    }
  });
});
