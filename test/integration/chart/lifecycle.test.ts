import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  ApiextensionsV1Api,
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  RbacAuthorizationV1Api,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { parse, stringify } from 'yaml';
import { createTestNamespace, type TestNamespace } from '../../harness/context.ts';
import { startControlPlane, type ControlPlane } from '../../harness/control-plane.ts';
import { waitFor } from '../../harness/processes.ts';
import { copyChart, labelNamespace, mustRun, restrictedNamespaceLabels, runTool, valueArgs } from './chart.ts';

// Installs, upgrades and uninstalls the chart with Helm 4 (server-side apply) on a control plane of
// its own, started without the planner CRDs. The harness installs them on the shared control plane
// without Helm's ownership metadata, so a release with crds.enabled=true could not adopt them there.
//
// No command uses --wait. Without a kubelet no pod ever runs, so Helm would wait for PostgreSQL, the
// migration Job and the server until its timeout. The default install has no hook Job either (the
// migration Job is an ordinary object), so Helm returns as soon as the objects exist. The tests check
// the objects in the API server instead, and that the controllers created every pod in a namespace that
// enforces Pod Security "restricted".

const release = 'planner';
const group = 'planner.bbcagents.io';
const version = 'v1alpha1';

describe('helm install, upgrade and uninstall', () => {
  let controlPlane: ControlPlane;
  let namespace: TestNamespace;
  let chart: { path: string; remove(): Promise<void> };
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let batch: BatchV1Api;
  let custom: CustomObjectsApi;
  let extensions: ApiextensionsV1Api;

  const helm = (args: string[]): ReturnType<typeof mustRun> =>
    mustRun('helm', [...args, '--namespace', namespace.name], { kubeconfig: controlPlane.kubeconfigPath });

  const readSecret = async (name: string): Promise<Record<string, string>> => {
    const secret = await core.readNamespacedSecret({ name, namespace: namespace.name });
    return Object.fromEntries(
      Object.entries(secret.data ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64').toString()]),
    );
  };

  const readPlannerApp = (): Promise<{
    metadata: { uid: string; annotations?: Record<string, string> };
    spec: { replicas: { max: number } };
  }> =>
    custom.getNamespacedCustomObject({
      group,
      version,
      namespace: namespace.name,
      plural: 'plannerapps',
      name: release,
    });

  const podCount = async (component: string): Promise<number> => {
    const pods = await core.listNamespacedPod({
      namespace: namespace.name,
      labelSelector: `app.kubernetes.io/instance=${release},app.kubernetes.io/component=${component}`,
    });
    return pods.items.length;
  };

  beforeAll(async () => {
    controlPlane = await startControlPlane({ installCrds: false });
    namespace = await createTestNamespace(controlPlane.kubeConfig, 'chart-lifecycle');
    await labelNamespace(controlPlane.kubeconfigPath, namespace.name, restrictedNamespaceLabels);
    chart = await copyChart();
    core = controlPlane.kubeConfig.makeApiClient(CoreV1Api);
    apps = controlPlane.kubeConfig.makeApiClient(AppsV1Api);
    batch = controlPlane.kubeConfig.makeApiClient(BatchV1Api);
    custom = controlPlane.kubeConfig.makeApiClient(CustomObjectsApi);
    extensions = controlPlane.kubeConfig.makeApiClient(ApiextensionsV1Api);
  }, 120_000);

  afterAll(async () => {
    await chart?.remove();
    await controlPlane?.stop();
  }, 60_000);

  it('installs every component', async () => {
    const result = await helm(['install', release, chart.path]);
    expect(result.stdout).toContain('STATUS: deployed');
    expect(result.stdout).toContain(`kubectl -n ${namespace.name} get planner`);
    expect(result.stdout).toContain(
      `kubectl planner restore planner --from planner-nightly -n ${namespace.name} --wait`,
    );

    for (const plural of ['plannerapps', 'plannerbackups', 'plannerrestores']) {
      const crd = await extensions.readCustomResourceDefinition({ name: `${plural}.${group}` });
      expect(crd.metadata?.labels?.['app.kubernetes.io/managed-by']).toBe('Helm');
      expect(crd.metadata?.annotations).toMatchObject({
        'helm.sh/resource-policy': 'keep',
        'meta.helm.sh/release-name': release,
        'meta.helm.sh/release-namespace': namespace.name,
      });
    }

    const server = await apps.readNamespacedDeployment({ name: 'planner-server', namespace: namespace.name });
    expect(
      server.metadata?.managedFields?.some((entry) => entry.manager === 'helm' && entry.operation === 'Apply'),
    ).toBe(true);
    const operator = await apps.readNamespacedDeployment({ name: 'planner-operator', namespace: namespace.name });
    expect(operator.spec?.replicas).toBe(2);
    const postgresql = await apps.readNamespacedStatefulSet({ name: 'planner-postgresql', namespace: namespace.name });
    expect(postgresql.spec?.volumeClaimTemplates?.[0]?.spec?.resources?.requests?.storage).toBe('8Gi');
    await batch.readNamespacedJob({ name: 'planner-migrate-1', namespace: namespace.name });

    const database = await readSecret('planner-database');
    expect(database).toMatchObject({
      host: `planner-postgresql.${namespace.name}.svc`,
      port: '5432',
      username: 'planner',
    });
    expect(database.password).toMatch(/^[A-Za-z0-9]{32}$/);
    expect((await readSecret('planner-server'))['token-secret']).toMatch(/^[A-Za-z0-9]{32}$/);

    const app = await readPlannerApp();
    expect(app.spec.replicas.max).toBe(10);
    await custom.getNamespacedCustomObject({
      group,
      version,
      namespace: namespace.name,
      plural: 'plannerbackups',
      name: 'planner-nightly',
    });
    await core.readNamespacedPersistentVolumeClaim({ name: 'planner-backups', namespace: namespace.name });

    // The controllers create the pods through Pod Security admission; a refused pod would never appear.
    await waitFor(
      async () => {
        const counts = await Promise.all(['server', 'operator', 'postgresql', 'migrations'].map(podCount));
        return counts.every((count, index) => count >= [1, 2, 1, 1][index]!) ? counts : undefined;
      },
      { description: 'the server, operator, PostgreSQL and migration pods', timeoutMs: 60_000, intervalMs: 500 },
    );
    const events = await core.listNamespacedEvent({ namespace: namespace.name });
    expect(events.items.filter((event) => event.reason === 'FailedCreate').map((event) => event.message)).toEqual([]);
  }, 120_000);

  it('upgrades without field conflicts', async () => {
    const passwordBefore = (await readSecret('planner-database')).password;
    const tokenBefore = (await readSecret('planner-server'))['token-secret'];
    const appBefore = await readPlannerApp();
    const serverBefore = await apps.readNamespacedDeployment({ name: 'planner-server', namespace: namespace.name });

    // Another manager owns the server's replica count, as the PlannerApp's HPA does on a real cluster.
    await mustRun('kubectl', ['scale', 'deployment/planner-server', '--replicas=3', '--namespace', namespace.name], {
      kubeconfig: controlPlane.kubeconfigPath,
    });

    const crdFile = join(chart.path, 'files', 'crds', `plannerapps.${group}.yaml`);
    const crd = parse(await readFile(crdFile, 'utf8')) as V1CustomResourceDefinition;
    const specSchema = crd.spec.versions[0]?.schema?.openAPIV3Schema?.properties?.spec;
    if (specSchema?.properties === undefined) throw new Error(`${crdFile} has no spec properties`);
    specSchema.properties.upgradeProbe = { type: 'string', description: 'Field added by the chart upgrade test.' };
    await writeFile(crdFile, stringify(crd));
    const chartFile = join(chart.path, 'Chart.yaml');
    await writeFile(chartFile, (await readFile(chartFile, 'utf8')).replace(/^version: .*$/m, 'version: 0.1.1-upgrade'));

    const values = {
      server: { logLevel: 'debug', resources: { requests: { cpu: '200m', memory: '256Mi' } } },
      operator: { replicaCount: 3 },
      postgresql: { resources: { requests: { cpu: '300m', memory: '512Mi' } } },
      plannerApp: { replicas: { max: 12 } },
      backup: { schedule: '0 3 * * *' },
    };
    await helm(['upgrade', release, chart.path, ...valueArgs(values)]);

    const upgradedCrd = await extensions.readCustomResourceDefinition({ name: `plannerapps.${group}` });
    const upgradedSpec = upgradedCrd.spec.versions[0]?.schema?.openAPIV3Schema?.properties?.spec;
    expect(upgradedSpec?.properties?.upgradeProbe).toEqual({
      type: 'string',
      description: 'Field added by the chart upgrade test.',
    });

    const app = await readPlannerApp();
    expect(app.metadata.uid).toBe(appBefore.metadata.uid);
    expect(app.spec.replicas.max).toBe(12);
    expect(app.metadata.annotations?.['helm.sh/hook']).toBeUndefined();
    const manifest = await helm(['get', 'manifest', release]);
    expect(manifest.stdout).toContain('kind: PlannerApp');
    expect(manifest.stdout).toContain('kind: PlannerBackup');

    const server = await apps.readNamespacedDeployment({ name: 'planner-server', namespace: namespace.name });
    expect(server.spec?.replicas).toBe(3);
    expect(server.spec?.template.metadata?.labels?.['helm.sh/chart']).toBe('planner-0.1.1-upgrade');
    expect(server.spec?.template.metadata?.annotations?.['checksum/config']).not.toBe(
      serverBefore.spec?.template.metadata?.annotations?.['checksum/config'],
    );
    const operator = await apps.readNamespacedDeployment({ name: 'planner-operator', namespace: namespace.name });
    expect(operator.spec?.replicas).toBe(3);
    const postgresql = await apps.readNamespacedStatefulSet({ name: 'planner-postgresql', namespace: namespace.name });
    expect(postgresql.spec?.template.spec?.containers[0]?.resources?.requests).toEqual({
      cpu: '300m',
      memory: '512Mi',
    });

    expect((await readSecret('planner-database')).password).toBe(passwordBefore);
    expect((await readSecret('planner-server'))['token-secret']).toBe(tokenBefore);

    await batch.readNamespacedJob({ name: 'planner-migrate-2', namespace: namespace.name });
    await waitFor(
      async () => {
        const jobs = await batch.listNamespacedJob({ namespace: namespace.name });
        return jobs.items.some((job) => job.metadata?.name === 'planner-migrate-1') ? undefined : true;
      },
      { description: 'the revision 1 migration Job to be deleted', timeoutMs: 30_000, intervalMs: 250 },
    );

    // The same upgrade again changes nothing and meets no field-ownership conflict.
    const again = await runTool(
      'helm',
      ['upgrade', release, chart.path, '--namespace', namespace.name, ...valueArgs(values)],
      { kubeconfig: controlPlane.kubeconfigPath },
    );
    expect(again.stderr).not.toMatch(/conflict/i);
    expect(again.code).toBe(0);
    expect(
      (await apps.readNamespacedDeployment({ name: 'planner-server', namespace: namespace.name })).spec?.replicas,
    ).toBe(3);
  }, 120_000);

  it('uninstalls but keeps CRDs, claim and password', async () => {
    const result = await helm(['uninstall', release]);
    expect(result.stdout).toContain('These resources were kept due to the resource policy');

    const deployments = await apps.listNamespacedDeployment({ namespace: namespace.name });
    expect(deployments.items.map((item) => item.metadata?.name)).toEqual([]);
    const statefulSets = await apps.listNamespacedStatefulSet({ namespace: namespace.name });
    expect(statefulSets.items).toEqual([]);
    // The database Secret stays with PostgreSQL's data claim, whose data was initialised with its password.
    const secrets = await core.listNamespacedSecret({ namespace: namespace.name });
    expect(secrets.items.map((item) => item.metadata?.name).filter((name) => name?.startsWith('planner'))).toEqual([
      'planner-database',
    ]);
    const rbac = controlPlane.kubeConfig.makeApiClient(RbacAuthorizationV1Api);
    const clusterRoles = await rbac.listClusterRole({ labelSelector: `app.kubernetes.io/instance=${release}` });
    expect(clusterRoles.items).toEqual([]);

    const apps_ = await custom.listNamespacedCustomObject({
      group,
      version,
      namespace: namespace.name,
      plural: 'plannerapps',
    });
    expect((apps_ as { items: unknown[] }).items).toEqual([]);
    const crds = await extensions.listCustomResourceDefinition();
    expect(
      crds.items
        .map((crd) => crd.metadata?.name)
        .filter((name) => name?.endsWith(`.${group}`))
        .sort(),
    ).toEqual([`plannerapps.${group}`, `plannerbackups.${group}`, `plannerrestores.${group}`]);
    await core.readNamespacedPersistentVolumeClaim({ name: 'planner-backups', namespace: namespace.name });
  }, 120_000);

  it('reinstalls over the kept objects', async () => {
    // The kept objects still carry this release's ownership annotations, so the same release name in
    // the same namespace adopts them.
    const passwordBefore = (await readSecret('planner-database')).password;
    const result = await helm(['install', release, chart.path]);
    expect(result.stdout).toContain('STATUS: deployed');
    expect((await readSecret('planner-database')).password).toBe(passwordBefore);
    const crd = await extensions.readCustomResourceDefinition({ name: `plannerapps.${group}` });
    expect(crd.metadata?.annotations?.['meta.helm.sh/release-name']).toBe(release);
    const manifest = await helm(['get', 'manifest', release]);
    expect(manifest.stdout).toContain('name: planner-backups');
    expect(manifest.stdout).toContain(`name: plannerapps.${group}`);
    // The CRDs are served now, so the custom resources are ordinary objects from the first revision on.
    expect(manifest.stdout).toContain('kind: PlannerApp');
    await helm(['uninstall', release]);
  }, 120_000);
});
