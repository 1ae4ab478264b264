import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import {
  createTestNamespace,
  loadTestKubeConfig,
  testKubeconfigPath,
  type TestNamespace,
} from '../../harness/context.ts';
import {
  labelNamespace,
  mustRun,
  podSpecOf,
  renderChart,
  restrictedNamespaceLabels,
  runTool,
  workloadKinds,
  type RenderedObject,
} from './chart.ts';

// Renders realistic value sets and applies them with a server-side dry run against the shared control
// plane, which validates every object against the real API, admission and the planner CRDs (installed
// by the harness). The namespace enforces Pod Security "restricted". Pod Security only enforces on
// Pods and merely warns on pod templates, so each template is also submitted as a Pod.

/** Kinds that the test control plane does not serve (the Prometheus Operator's CRDs are not installed). */
const unservedKinds = new Set(['ServiceMonitor']);

const valueSets: [string, Record<string, unknown>][] = [
  ['default values', {}],
  [
    'an external database',
    {
      postgresql: { enabled: false },
      externalDatabase: { existingSecret: 'planner-rds', connectionKeys: 'url' },
      migrations: { strategy: 'hook' },
    },
  ],
  [
    'an external host and password',
    { postgresql: { enabled: false }, externalDatabase: { host: 'db.internal', password: 'not-a-real-password' } },
  ],
  ['no PlannerApp', { plannerApp: { enabled: false }, backup: { enabled: false }, server: { replicaCount: 3 } }],
  [
    'S3 backups',
    {
      backup: {
        schedule: '30 1 * * *',
        timeZone: 'Europe/London',
        storage: {
          kind: 's3',
          s3: {
            bucket: 'dumps',
            prefix: 'planner/',
            endpoint: 'https://s3.internal',
            forcePathStyle: true,
            credentialsSecret: 's3',
          },
        },
        retention: { keepLast: 3, keepDaily: 14, keepWeekly: 8, keepMonthly: 12 },
      },
    },
  ],
  [
    'ingress, network policy and schedules',
    {
      ingress: {
        enabled: true,
        className: 'nginx',
        hosts: [{ host: 'planner.example.com', paths: [{ path: '/', pathType: 'Prefix' }] }],
        tls: [{ secretName: 'planner-tls', hosts: ['planner.example.com'] }],
      },
      networkPolicy: { enabled: true },
      serviceMonitor: { enabled: true },
      server: {
        service: { type: 'NodePort', nodePort: 30080 },
        corsOrigins: ['https://planner.example.com'],
        trustProxy: 1,
        readReplica: { existingSecret: 'planner-replica' },
      },
      plannerApp: {
        replicas: {
          min: 3,
          max: 20,
          targetMemoryUtilizationPercentage: 80,
          behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
        },
        schedules: [{ name: 'office-hours', cron: '0 8 * * 1-5', timeZone: 'Europe/Paris', duration: '10h', min: 5 }],
        deletionReplicas: 2,
      },
      commonLabels: { team: 'platform' },
      commonAnnotations: { 'example.com/owner': 'platform' },
    },
  ],
];

interface DryRunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Applies objects with a server-side dry run; without a namespace each object must name its own. */
function applyDryRun(objects: readonly RenderedObject[], namespace?: string): Promise<DryRunResult> {
  const manifest = objects.map((object) => stringify(object)).join('---\n');
  return runTool(
    'kubectl',
    [
      'apply',
      '--dry-run=server',
      '--server-side',
      '--force-conflicts',
      '--field-manager=helm',
      ...(namespace === undefined ? [] : ['--namespace', namespace]),
      '-f',
      '-',
    ],
    { kubeconfig: testKubeconfigPath(), input: manifest },
  );
}

/**
 * Turns each workload's pod template into a Pod, as its controller would (a StatefulSet's claim
 * templates become claim volumes), so that Pod Security admission enforces on it.
 */
function podsFromTemplates(objects: readonly RenderedObject[]): RenderedObject[] {
  return objects
    .filter((object) => workloadKinds.has(object.kind) && object.kind !== 'Pod')
    .map((object) => {
      const spec = object.spec as {
        template: { metadata?: Record<string, unknown> };
        volumeClaimTemplates?: { metadata: { name: string } }[];
      };
      const podSpec = podSpecOf(object) as { volumes?: unknown[] };
      const claims = (spec.volumeClaimTemplates ?? []).map((claim) => ({
        name: claim.metadata.name,
        persistentVolumeClaim: { claimName: `${claim.metadata.name}-${object.metadata.name}-0` },
      }));
      return {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          ...(spec.template.metadata ?? {}),
          name: `${object.kind.toLowerCase()}-${object.metadata.name}`.slice(0, 63),
        },
        spec: {
          ...podSpec,
          volumes: [...(podSpec.volumes ?? []), ...claims],
          restartPolicy: object.kind === 'Job' ? 'Never' : 'Always',
        },
      } as RenderedObject;
    });
}

/** Creates the chart's ServiceAccounts for real: admission looks them up even in a dry run of a Pod. */
async function createServiceAccounts(objects: readonly RenderedObject[], namespace: string): Promise<void> {
  const accounts = objects.filter((object) => object.kind === 'ServiceAccount');
  const manifest = accounts.map((object) => stringify(object)).join('---\n');
  await mustRun('kubectl', ['apply', '--server-side', '--namespace', namespace, '-f', '-'], {
    kubeconfig: testKubeconfigPath(),
    input: manifest,
  });
}

describe('server-side dry run in a restricted namespace', () => {
  let kubeConfig: KubeConfig;
  let namespace: TestNamespace;
  const watched: TestNamespace[] = [];

  beforeAll(async () => {
    kubeConfig = loadTestKubeConfig();
    namespace = await createTestNamespace(kubeConfig, 'chart-dry-run');
    await labelNamespace(testKubeconfigPath(), namespace.name, restrictedNamespaceLabels);
    watched.push(await createTestNamespace(kubeConfig, 'chart-team'));
  });

  afterAll(async () => {
    await Promise.all([namespace.delete(), ...watched.map((item) => item.delete())]);
  });

  it.each(valueSets)('accepts every object with %s', async (_name, values) => {
    const objects = await renderChart({ namespace: namespace.name, values, crdsServed: true });
    const served = objects.filter((object) => !unservedKinds.has(object.kind));
    expect(served.length).toBeGreaterThan(10);

    const result = await applyDryRun(served, namespace.name);
    expect(result.stderr).not.toMatch(/violate PodSecurity/);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    for (const object of served) {
      expect(result.stdout).toContain(`${object.metadata.name} serverside-applied (server dry run)`);
    }
  });

  it.each(valueSets)('admits every pod with %s', async (_name, values) => {
    const objects = await renderChart({ namespace: namespace.name, values, crdsServed: true });
    const pods = [...podsFromTemplates(objects), ...objects.filter((object) => object.kind === 'Pod')];
    expect(pods.length).toBeGreaterThanOrEqual(3);
    await createServiceAccounts(objects, namespace.name);

    const result = await applyDryRun(pods, namespace.name);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('rejects a privilege-escalating pod', async () => {
    const objects = await renderChart({
      namespace: namespace.name,
      crdsServed: true,
      values: { server: { containerSecurityContext: { allowPrivilegeEscalation: true } } },
    });
    const pods = podsFromTemplates(objects).filter((pod) => pod.metadata.name.includes('server'));
    await createServiceAccounts(objects, namespace.name);
    const result = await applyDryRun(pods, namespace.name);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false');
  });

  it('accepts Roles in watched namespaces', async () => {
    const team = watched[0]?.name ?? '';
    const objects = await renderChart({
      namespace: namespace.name,
      crdsServed: true,
      values: { operator: { watchNamespaces: [namespace.name, team] } },
    });
    const rbac = objects.filter((object) => object.kind === 'Role' || object.kind === 'RoleBinding');
    expect(rbac.filter((object) => object.metadata.namespace === team)).toHaveLength(2);

    const result = await applyDryRun(rbac);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('accepts the rendered CRDs', async () => {
    const objects = await renderChart({ namespace: namespace.name });
    const crds = objects.filter((object) => object.kind === 'CustomResourceDefinition');
    expect(crds).toHaveLength(3);
    const result = await applyDryRun(crds, namespace.name);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
