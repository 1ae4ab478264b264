import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node';
import {
  createTestNamespace,
  loadTestKubeConfig,
  testKubeconfigPath,
  type TestNamespace,
} from '../../harness/context.ts';
import { waitFor } from '../../harness/processes.ts';
import { chartDirectory, mustRun, runTool, valueArgs } from './chart.ts';

// Installs the chart on the shared control plane (whose CRDs the harness installed, hence
// crds.enabled=false) and asks the API server's authorizer what the operator's ServiceAccount may do.
// The install runs without --wait: no kubelet runs here, so no pod would ever become ready.

/** An API request to authorize: verb, resource (plural.group) and optional subresource. */
type Access = [verb: string, resource: string, subresource?: string];

/**
 * Rows for it.each as objects: jest treats a test function with more parameters than a row has
 * values as a callback-style test, so array rows of varying length would never finish.
 */
function rows(accesses: readonly Access[]): { verb: string; resource: string; subresource: string; target: string }[] {
  return accesses.map(([verb, resource, subresource = '']) => ({
    verb,
    resource,
    subresource,
    target: subresource === '' ? resource : `${resource}/${subresource}`,
  }));
}

/** Requests the operator needs. */
const allowed: Access[] = [
  ['get', 'plannerapps.planner.bbcagents.io'],
  ['list', 'plannerbackups.planner.bbcagents.io'],
  ['watch', 'plannerrestores.planner.bbcagents.io'],
  ['patch', 'plannerapps.planner.bbcagents.io'],
  ['update', 'plannerbackups.planner.bbcagents.io'],
  ['create', 'plannerbackups.planner.bbcagents.io'],
  ['update', 'plannerapps.planner.bbcagents.io', 'status'],
  ['patch', 'plannerbackups.planner.bbcagents.io', 'status'],
  ['update', 'plannerrestores.planner.bbcagents.io', 'status'],
  ['update', 'plannerapps.planner.bbcagents.io', 'finalizers'],
  ['update', 'plannerbackups.planner.bbcagents.io', 'finalizers'],
  ['create', 'horizontalpodautoscalers.autoscaling'],
  ['patch', 'horizontalpodautoscalers.autoscaling'],
  ['delete', 'horizontalpodautoscalers.autoscaling'],
  ['watch', 'deployments.apps'],
  ['patch', 'deployments.apps'],
  ['update', 'deployments.apps', 'scale'],
  ['get', 'deployments.apps', 'scale'],
  ['get', 'secrets'],
  ['watch', 'secrets'],
  ['create', 'jobs.batch'],
  ['delete', 'jobs.batch'],
  ['watch', 'jobs.batch'],
  ['list', 'pods'],
  ['get', 'pods', 'log'],
  ['create', 'events'],
  ['patch', 'events.events.k8s.io'],
  ['create', 'leases.coordination.k8s.io'],
  ['update', 'leases.coordination.k8s.io'],
  ['delete', 'leases.coordination.k8s.io'],
  ['get', 'persistentvolumeclaims'],
];

/** Requests the operator must not be able to make. */
const denied: Access[] = [
  ['create', 'secrets'],
  ['update', 'secrets'],
  ['delete', 'secrets'],
  ['create', 'deployments.apps'],
  ['delete', 'deployments.apps'],
  ['create', 'plannerapps.planner.bbcagents.io'],
  ['create', 'plannerrestores.planner.bbcagents.io'],
  ['delete', 'plannerbackups.planner.bbcagents.io'],
  ['create', 'pods'],
  ['delete', 'pods'],
  ['create', 'pods', 'exec'],
  ['update', 'jobs.batch'],
  ['delete', 'persistentvolumeclaims'],
  ['list', 'persistentvolumeclaims'],
  ['create', 'configmaps'],
  ['create', 'rolebindings.rbac.authorization.k8s.io'],
  ['delete', 'events'],
  ['*', '*'],
];

/**
 * Asks the API server's authorizer through a SubjectAccessReview whether the user may act, as
 * `kubectl auth can-i --as` does (one request instead of one kubectl process per question).
 */
async function canI(
  user: string,
  verb: string,
  resource: string,
  subresource: string,
  namespace: string,
): Promise<boolean> {
  const [plural, ...group] = resource.split('.');
  const serviceAccount = /^system:serviceaccount:([^:]+):/.exec(user);
  const groups = ['system:authenticated'];
  if (serviceAccount !== null) groups.push('system:serviceaccounts', `system:serviceaccounts:${serviceAccount[1]}`);
  const review = await loadTestKubeConfig()
    .makeApiClient(AuthorizationV1Api)
    .createSubjectAccessReview({
      body: {
        spec: {
          user,
          groups,
          resourceAttributes: { namespace, verb, group: group.join('.'), resource: plural, subresource },
        },
      },
    });
  return review.status?.allowed === true;
}

async function install(release: string, namespace: string, values: Record<string, unknown>): Promise<void> {
  await mustRun(
    'helm',
    [
      'install',
      release,
      chartDirectory,
      '--namespace',
      namespace,
      ...valueArgs({ crds: { enabled: false }, ...values }),
    ],
    { kubeconfig: testKubeconfigPath() },
  );
}

describe('operator RBAC watching all namespaces', () => {
  let kubeConfig: KubeConfig;
  let namespace: TestNamespace;
  let other: TestNamespace;
  let account: string;
  const release = `rbac-${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    kubeConfig = loadTestKubeConfig();
    namespace = await createTestNamespace(kubeConfig, 'chart-rbac');
    other = await createTestNamespace(kubeConfig, 'chart-rbac-other');
    await install(release, namespace.name, {});
    account = `system:serviceaccount:${namespace.name}:${release}-planner-operator`;
  });

  afterAll(async () => {
    await runTool('helm', ['uninstall', release, '--namespace', namespace.name], { kubeconfig: testKubeconfigPath() });
    await Promise.all([namespace.delete(), other.delete()]);
  });

  it.each(rows(allowed))('allows $verb $target in any namespace', async ({ verb, resource, subresource }) => {
    expect(await canI(account, verb, resource, subresource, namespace.name)).toBe(true);
    expect(await canI(account, verb, resource, subresource, other.name)).toBe(true);
  });

  it.each(rows(denied))('denies $verb $target', async ({ verb, resource, subresource }) => {
    expect(await canI(account, verb, resource, subresource, namespace.name)).toBe(false);
  });

  it('answers kubectl auth can-i as the reviews do', async () => {
    const ask = (verb: string, resource: string): Promise<string> =>
      runTool('kubectl', ['auth', 'can-i', verb, resource, `--as=${account}`, '--namespace', other.name], {
        kubeconfig: testKubeconfigPath(),
      }).then((result) => result.stdout.trim());
    expect(await ask('create', 'jobs.batch')).toBe('yes');
    expect(await ask('delete', 'secrets')).toBe('no');
  });

  it('denies cluster-scoped reads', async () => {
    expect(await canI(account, 'list', 'nodes', '', namespace.name)).toBe(false);
    expect(await canI(account, 'list', 'namespaces', '', namespace.name)).toBe(false);
    expect(await canI(account, 'get', 'customresourcedefinitions.apiextensions.k8s.io', '', namespace.name)).toBe(
      false,
    );
  });

  it('gives the server no API access', async () => {
    const server = `system:serviceaccount:${namespace.name}:${release}-planner-server`;
    expect(await canI(server, 'get', 'secrets', '', namespace.name)).toBe(false);
    expect(await canI(server, 'list', 'pods', '', namespace.name)).toBe(false);
  });

  it('adds the planner resources to the view and edit roles', async () => {
    await mustRun(
      'kubectl',
      ['create', 'rolebinding', 'viewer', '--clusterrole=view', '--user=viewer', '--namespace', namespace.name],
      { kubeconfig: testKubeconfigPath() },
    );
    await mustRun(
      'kubectl',
      ['create', 'rolebinding', 'editor', '--clusterrole=edit', '--user=editor', '--namespace', namespace.name],
      { kubeconfig: testKubeconfigPath() },
    );
    // kube-controller-manager's aggregation controller fills the built-in roles asynchronously.
    await waitFor(
      async () =>
        (await canI('editor', 'create', 'plannerrestores.planner.bbcagents.io', '', namespace.name)) ? true : undefined,
      { description: 'the edit role to include PlannerRestore', timeoutMs: 20_000, intervalMs: 250 },
    );
    expect(await canI('viewer', 'list', 'plannerbackups.planner.bbcagents.io', '', namespace.name)).toBe(true);
    expect(await canI('viewer', 'create', 'plannerrestores.planner.bbcagents.io', '', namespace.name)).toBe(false);
    expect(await canI('editor', 'delete', 'plannerbackups.planner.bbcagents.io', '', namespace.name)).toBe(true);
  });
});

describe('operator RBAC watching listed namespaces', () => {
  let kubeConfig: KubeConfig;
  let namespace: TestNamespace;
  let watched: TestNamespace;
  let unwatched: TestNamespace;
  let account: string;
  const release = `rbac-${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    kubeConfig = loadTestKubeConfig();
    [namespace, watched, unwatched] = await Promise.all([
      createTestNamespace(kubeConfig, 'chart-rbac-ns'),
      createTestNamespace(kubeConfig, 'chart-rbac-watched'),
      createTestNamespace(kubeConfig, 'chart-rbac-unwatched'),
    ]);
    await install(release, namespace.name, { operator: { watchNamespaces: [namespace.name, watched.name] } });
    account = `system:serviceaccount:${namespace.name}:${release}-planner-operator`;
  });

  afterAll(async () => {
    await runTool('helm', ['uninstall', release, '--namespace', namespace.name], { kubeconfig: testKubeconfigPath() });
    await Promise.all([namespace.delete(), watched.delete(), unwatched.delete()]);
  });

  it.each(rows(allowed))('allows $verb $target in watched namespaces only', async ({ verb, resource, subresource }) => {
    expect(await canI(account, verb, resource, subresource, namespace.name)).toBe(true);
    expect(await canI(account, verb, resource, subresource, watched.name)).toBe(true);
    expect(await canI(account, verb, resource, subresource, unwatched.name)).toBe(false);
  });

  it('creates no ClusterRoleBinding for the operator', async () => {
    const result = await runTool(
      'kubectl',
      ['get', 'clusterrolebinding', `${release}-planner-operator`, '--ignore-not-found', '-o', 'name'],
      { kubeconfig: testKubeconfigPath() },
    );
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe('');
  });
});
