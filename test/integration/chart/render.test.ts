import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { readCrds } from '../../harness/crds.ts';
import {
  chartDirectory,
  findObject,
  podSpecOf,
  renderChart,
  runTool,
  templateChart,
  valueArgs,
  workloadKinds,
  type RenderedObject,
} from './chart.ts';

interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: { name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  securityContext?: Record<string, unknown>;
}

function containersOf(object: RenderedObject): Container[] {
  const spec = podSpecOf(object) as { containers: Container[]; initContainers?: Container[] };
  return [...(spec.initContainers ?? []), ...spec.containers];
}

const externalSecretValues = {
  postgresql: { enabled: false },
  externalDatabase: { existingSecret: 'planner-rds', connectionKeys: 'url' },
};

describe('helm lint', () => {
  it.each([
    ['default values', []],
    ['external database', ['--set', 'postgresql.enabled=false', '--set', 'externalDatabase.existingSecret=db']],
    ['no PlannerApp', ['--set', 'plannerApp.enabled=false', '--set', 'backup.enabled=false']],
    ['every optional object', ['--set', 'ingress.enabled=true,networkPolicy.enabled=true,serviceMonitor.enabled=true']],
  ])('passes --strict with %s', async (_name, args) => {
    const result = await runTool('helm', ['lint', '--strict', chartDirectory, ...args]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
    expect(result.code).toBe(0);
  });
});

describe('values schema', () => {
  it.each([
    [
      'a negative replica count',
      { server: { replicaCount: -1 } },
      "at '/server/replicaCount': minimum: got -1, want 0",
    ],
    [
      'an unknown storage kind',
      { backup: { storage: { kind: 'nfs' } } },
      "at '/backup/storage/kind': value must be one of 'pvc', 's3'",
    ],
    ['an unknown key', { server: { replicas: 3 } }, "at '/server': additional properties 'replicas' not allowed"],
    ['a misspelt top-level key', { postgres: { enabled: false } }, "additional properties 'postgres' not allowed"],
    ['a string for a port', { server: { containerPort: 'http' } }, "at '/server/containerPort'"],
    ['an unknown migration strategy', { migrations: { strategy: 'initContainer' } }, "at '/migrations/strategy'"],
    ['a short token secret', { server: { tokenSecret: 'short' } }, "at '/server/tokenSecret'"],
    [
      'an absolute backup path',
      { backup: { storage: { pvc: { path: '/backups' } } } },
      "at '/backup/storage/pvc/path'",
    ],
    [
      'a CPU target above 100',
      { plannerApp: { replicas: { targetCPUUtilizationPercentage: 150 } } },
      'targetCPUUtilizationPercentage',
    ],
    ['a bad pull policy', { image: { pullPolicy: 'Sometimes' } }, "at '/image/pullPolicy'"],
    [
      'a schedule without cron',
      { plannerApp: { schedules: [{ name: 'day', duration: '8h', min: 3 }] } },
      "missing property 'cron'",
    ],
  ])('rejects %s', async (_name, values, message) => {
    const result = await templateChart({ values });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("values don't meet the specifications of the schema");
    expect(result.stderr).toContain(message);
  });

  it('documents every key with a description', async () => {
    const schema = JSON.parse(await readFile(join(chartDirectory, 'values.schema.json'), 'utf8')) as SchemaNode;
    const undocumented: string[] = [];
    // A described key is documented as a whole; an undescribed one must be a group of described keys.
    const walk = (node: SchemaNode, path: string): void => {
      if (node.description !== undefined) return;
      if (node.properties === undefined) {
        undocumented.push(path);
        return;
      }
      for (const [key, child] of Object.entries(node.properties)) walk(child, path === '' ? key : `${path}.${key}`);
    };
    walk(schema, '');
    expect(undocumented).toEqual([]);
  });
});

interface SchemaNode {
  description?: string;
  properties?: Record<string, SchemaNode>;
}

describe('value combinations', () => {
  it.each([
    ['no external database', { postgresql: { enabled: false } }, 'postgresql.enabled=false needs an external database'],
    [
      'an external host without password',
      { postgresql: { enabled: false }, externalDatabase: { host: 'db.internal' } },
      'externalDatabase.password is empty',
    ],
    [
      'URL keys without a Secret',
      {
        postgresql: { enabled: false },
        externalDatabase: { host: 'db.internal', password: 'x', connectionKeys: 'url' },
      },
      'externalDatabase.connectionKeys=url describes the keys of externalDatabase.existingSecret',
    ],
    [
      'a hook migration with the bundled PostgreSQL',
      { migrations: { strategy: 'hook' } },
      'migrations.strategy=hook runs before the release creates any object',
    ],
    [
      'a backup without PlannerApp',
      { plannerApp: { enabled: false } },
      'backup.enabled=true needs plannerApp.enabled=true',
    ],
    [
      'S3 without a bucket',
      { backup: { storage: { kind: 's3', s3: { credentialsSecret: 's3' } } } },
      'backup.storage.kind=s3 needs backup.storage.s3.bucket',
    ],
    [
      'min above max',
      { plannerApp: { replicas: { min: 5, max: 3 } } },
      'plannerApp.replicas.min (5) is greater than plannerApp.replicas.max (3)',
    ],
    [
      'an LLM key without a Secret for it',
      { server: { existingSecret: 'planner-token', llm: { apiKey: 'not-a-real-key' } } },
      'server.llm.apiKey is set, but with server.existingSecret',
    ],
    ['both PDB fields', { server: { pdb: { minAvailable: 1, maxUnavailable: 1 } } }, 'server.pdb sets both'],
    [
      'custom resources without CRDs',
      { crds: { enabled: false } },
      'plannerApp.enabled or backup.enabled needs the planner CRDs',
    ],
  ])('fails with %s', async (_name, values, message) => {
    const result = await templateChart({ values });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(message);
  });
});

describe('default render', () => {
  let objects: RenderedObject[];
  beforeAll(async () => {
    objects = await renderChart({ releaseName: 'demo', namespace: 'apps' });
  });

  it('labels every object', () => {
    for (const object of objects) {
      const labels = object.metadata.labels ?? {};
      expect({ object: `${object.kind}/${object.metadata.name}`, name: labels['app.kubernetes.io/name'] }).toEqual({
        object: `${object.kind}/${object.metadata.name}`,
        name: 'planner',
      });
      expect(labels['app.kubernetes.io/instance']).toBe('demo');
      expect(labels['app.kubernetes.io/managed-by']).toBe('Helm');
      expect(labels['app.kubernetes.io/component']).toMatch(/^[a-z]+$/);
      expect(labels['helm.sh/chart']).toMatch(/^planner-\d+\.\d+\.\d+/);
    }
  });

  it('renders CRD files unchanged', async () => {
    const files = await readCrds();
    expect(files.map((crd) => crd.metadata?.name).sort()).toEqual([
      'plannerapps.planner.bbcagents.io',
      'plannerbackups.planner.bbcagents.io',
      'plannerrestores.planner.bbcagents.io',
    ]);
    for (const file of files) {
      const rendered = findObject(objects, 'CustomResourceDefinition', file.metadata?.name ?? '');
      expect(rendered.spec).toEqual(file.spec);
      expect(rendered.metadata.annotations?.['helm.sh/resource-policy']).toBe('keep');
    }
  });

  it('leaves replicas to the PlannerApp', () => {
    const server = findObject(objects, 'Deployment', 'demo-planner-server');
    expect(server.spec).not.toHaveProperty('replicas');
    const app = findObject(objects, 'PlannerApp', 'demo-planner');
    expect(app.spec).toMatchObject({
      workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'demo-planner-server' },
      database: { secretRef: { name: 'demo-planner-database' } },
      replicas: { min: 2, max: 10 },
    });
  });

  it('sets replicas without PlannerApp', async () => {
    const rendered = await renderChart({
      releaseName: 'demo',
      values: { plannerApp: { enabled: false }, backup: { enabled: false }, server: { replicaCount: 3 } },
    });
    expect(findObject(rendered, 'Deployment', 'demo-planner-server').spec).toMatchObject({ replicas: 3 });
    expect(rendered.some((object) => object.kind === 'PlannerApp' || object.kind === 'PlannerBackup')).toBe(false);
  });

  it('uses PlannerApp keys in database Secret', () => {
    const secret = findObject(objects, 'Secret', 'demo-planner-database');
    const data = secret.data as Record<string, string>;
    const decoded = Object.fromEntries(Object.entries(data).map(([key, value]) => [key, atob(value)]));
    expect(Object.keys(decoded).sort()).toEqual(['database', 'host', 'password', 'port', 'username']);
    expect(decoded).toMatchObject({
      host: 'demo-planner-postgresql.apps.svc',
      port: '5432',
      database: 'planner',
      username: 'planner',
    });
    expect(decoded.password).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(secret.metadata.annotations?.['helm.sh/resource-policy']).toBe('keep');
  });

  it('gives the server its settings and probes', () => {
    const server = findObject(objects, 'Deployment', 'demo-planner-server');
    const [container] = containersOf(server) as [Container & Record<string, unknown>];
    expect(container.command).toEqual(['planner-server']);
    expect(container).toMatchObject({
      livenessProbe: { httpGet: { path: '/health', port: 'http' } },
      readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
    });
    const env = Object.fromEntries((container.env ?? []).map((entry) => [entry.name, entry.valueFrom?.secretKeyRef]));
    expect(env.TOKEN_SECRET).toEqual({ name: 'demo-planner-server', key: 'token-secret' });
    expect(env.PGPASSWORD).toEqual({ name: 'demo-planner-database', key: 'password' });
    const template = (server.spec as { template: { metadata: { annotations: Record<string, string> } } }).template;
    expect(template.metadata.annotations['checksum/config']).toMatch(/^[a-f0-9]{64}$/);
  });

  it('rolls server on config change', async () => {
    const checksum = (rendered: RenderedObject[]): string =>
      (
        findObject(rendered, 'Deployment', 'demo-planner-server').spec as {
          template: { metadata: { annotations: Record<string, string> } };
        }
      ).template.metadata.annotations['checksum/config'] ?? '';
    const again = await renderChart({ releaseName: 'demo', namespace: 'apps' });
    const changed = await renderChart({
      releaseName: 'demo',
      namespace: 'apps',
      values: { server: { logLevel: 'debug' } },
    });
    expect(checksum(again)).toBe(checksum(objects));
    expect(checksum(changed)).not.toBe(checksum(objects));
  });

  it('runs operator with leader election', () => {
    const operator = findObject(objects, 'Deployment', 'demo-planner-operator');
    expect(operator.spec).toMatchObject({ replicas: 2 });
    const [container] = containersOf(operator) as [Container];
    expect(container.command).toEqual(['planner-operator']);
    expect(container.args).toEqual(
      expect.arrayContaining([
        '--namespaces=',
        '--leader-elect=true',
        '--leader-election-namespace=apps',
        '--leader-election-id=demo-planner-operator',
        `--runner-image=${container.image}`,
      ]),
    );
  });

  it('names the migration Job after the revision', () => {
    const job = findObject(objects, 'Job', 'demo-planner-migrate-1');
    expect(job.spec).toMatchObject({ activeDeadlineSeconds: 600, backoffLimit: 2 });
    expect(job.metadata.annotations?.['helm.sh/hook']).toBeUndefined();
    const migrate = containersOf(job).find((container) => container.name === 'migrate');
    expect(migrate?.command).toEqual(['planner-server', 'migrate']);
  });

  it('restricts every container', () => {
    for (const object of objects.filter((candidate) => workloadKinds.has(candidate.kind))) {
      const pod = podSpecOf(object) as { securityContext: Record<string, unknown> };
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      for (const container of containersOf(object)) {
        expect({
          container: `${object.kind}/${object.metadata.name}/${container.name}`,
          ...container.securityContext,
        }).toEqual({
          container: `${object.kind}/${object.metadata.name}/${container.name}`,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
      }
    }
  });

  it('hooks custom resources until CRDs served', async () => {
    const hook = findObject(objects, 'PlannerBackup', 'demo-planner-nightly');
    expect(hook.metadata.annotations).toMatchObject({
      'helm.sh/hook': 'post-install,post-upgrade',
      'meta.helm.sh/release-name': 'demo',
      'meta.helm.sh/release-namespace': 'apps',
    });
    const served = await renderChart({ releaseName: 'demo', namespace: 'apps', crdsServed: true });
    expect(findObject(served, 'PlannerBackup', 'demo-planner-nightly').metadata.annotations).toBeUndefined();
    expect(findObject(served, 'PlannerApp', 'demo-planner').metadata.annotations).toBeUndefined();
  });

  it('backs up nightly to the chart claim', () => {
    const backup = findObject(objects, 'PlannerBackup', 'demo-planner-nightly');
    expect(backup.spec).toMatchObject({
      appRef: { name: 'demo-planner' },
      schedule: '0 2 * * *',
      storage: { pvc: { claimName: 'demo-planner-backups' } },
    });
    const claim = findObject(objects, 'PersistentVolumeClaim', 'demo-planner-backups');
    expect(claim.metadata.annotations?.['helm.sh/resource-policy']).toBe('keep');
  });
});

describe('value sets', () => {
  it('uses an external database Secret as it is', async () => {
    const objects = await renderChart({ releaseName: 'demo', values: externalSecretValues });
    expect(objects.some((object) => object.kind === 'StatefulSet')).toBe(false);
    expect(objects.some((object) => object.kind === 'Secret' && object.metadata.name === 'demo-planner-database')).toBe(
      false,
    );
    const server = findObject(objects, 'Deployment', 'demo-planner-server');
    const env = containersOf(server)[0]?.env ?? [];
    expect(env.find((entry) => entry.name === 'DATABASE_URL')?.valueFrom?.secretKeyRef).toEqual({
      name: 'planner-rds',
      key: 'url',
    });
    expect(env.some((entry) => entry.name === 'PGHOST')).toBe(false);
    expect(findObject(objects, 'PlannerApp', 'demo-planner').spec).toMatchObject({
      database: { secretRef: { name: 'planner-rds' } },
    });
  });

  it('reads from a replica given by Secret', async () => {
    const objects = await renderChart({
      releaseName: 'demo',
      values: { server: { readReplica: { existingSecret: 'planner-replica' }, trustProxy: 1 } },
    });
    const server = findObject(objects, 'Deployment', 'demo-planner-server');
    const env = containersOf(server)[0]?.env ?? [];
    expect(env.find((entry) => entry.name === 'DATABASE_READ_URL')?.valueFrom?.secretKeyRef).toEqual({
      name: 'planner-replica',
      key: 'url',
    });
    expect(findObject(objects, 'ConfigMap', 'demo-planner-server').data).toMatchObject({ TRUST_PROXY: '1' });
  });

  it('runs migrations as a hook with an external Secret', async () => {
    const objects = await renderChart({
      releaseName: 'demo',
      values: { ...externalSecretValues, migrations: { strategy: 'hook' } },
    });
    const job = findObject(objects, 'Job', 'demo-planner-migrate');
    expect(job.metadata.annotations).toMatchObject({ 'helm.sh/hook': 'pre-install,pre-upgrade' });
    expect(podSpecOf(job)).not.toHaveProperty('serviceAccountName');
  });

  it('backs up to S3 with a credentials Secret', async () => {
    const objects = await renderChart({
      releaseName: 'demo',
      values: {
        backup: {
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
        },
      },
    });
    expect(findObject(objects, 'PlannerBackup', 'demo-planner-nightly').spec).toMatchObject({
      storage: {
        s3: { bucket: 'dumps', prefix: 'planner/', forcePathStyle: true, credentialsSecretRef: { name: 's3' } },
      },
    });
    expect(objects.some((object) => object.kind === 'PersistentVolumeClaim')).toBe(false);
  });

  it('admits only planner pods to PostgreSQL', async () => {
    const objects = await renderChart({ releaseName: 'demo', values: { networkPolicy: { enabled: true } } });
    const policy = findObject(objects, 'NetworkPolicy', 'demo-planner-postgresql');
    const spec = policy.spec as { ingress: { from: { podSelector: Record<string, unknown> }[] }[] };
    expect(spec.ingress[0]?.from).toEqual([
      {
        podSelector: {
          matchExpressions: [
            { key: 'app.kubernetes.io/name', operator: 'In', values: ['planner'] },
            { key: 'app.kubernetes.io/instance', operator: 'In', values: ['demo'] },
            { key: 'app.kubernetes.io/component', operator: 'In', values: ['server', 'migrations'] },
          ],
        },
      },
      { podSelector: { matchLabels: { 'app.kubernetes.io/managed-by': 'planner-operator' } } },
    ]);
  });

  it('creates ServiceMonitors for the server and the operator', async () => {
    const objects = await renderChart({
      releaseName: 'demo',
      values: { serviceMonitor: { enabled: true, labels: { release: 'prometheus' } } },
    });
    expect(findObject(objects, 'ServiceMonitor', 'demo-planner-server').metadata.labels?.release).toBe('prometheus');
    expect(findObject(objects, 'ServiceMonitor', 'demo-planner-operator').spec).toMatchObject({
      endpoints: [{ port: 'metrics', path: '/metrics' }],
    });
  });

  it('uses Roles when watching listed namespaces', async () => {
    const objects = await renderChart({
      releaseName: 'demo',
      values: { operator: { watchNamespaces: ['team-a', 'team-b'] } },
    });
    expect(objects.some((object) => object.kind === 'ClusterRoleBinding')).toBe(false);
    const roles = objects.filter(
      (object) => object.kind === 'Role' && object.metadata.name === 'demo-planner-operator',
    );
    expect(roles.map((role) => role.metadata.namespace).sort()).toEqual(['team-a', 'team-b']);
    const [container] = containersOf(findObject(objects, 'Deployment', 'demo-planner-operator'));
    expect(container?.args).toContain('--namespaces=team-a,team-b');
  });

  it('grants no wildcard in any rule', async () => {
    const objects = await renderChart({ releaseName: 'demo' });
    const rules = objects
      .filter((object) => object.kind === 'ClusterRole' || object.kind === 'Role')
      .flatMap((object) => object.rules as { apiGroups: string[]; resources: string[]; verbs: string[] }[]);
    expect(rules.length).toBeGreaterThan(10);
    for (const rule of rules) {
      expect([...rule.apiGroups, ...rule.resources, ...rule.verbs]).not.toContain('*');
    }
  });
});

describe('helm test pod', () => {
  let server: Server;
  let status = 200;
  let url = '';
  let script = '';

  beforeAll(async () => {
    server = createServer((request, response) => {
      response.writeHead(request.url === '/ready' ? status : 200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ path: request.url }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('test server has no port');
    url = `http://127.0.0.1:${address.port}`;
    const objects = await renderChart({ releaseName: 'demo' });
    const pod = findObject(objects, 'Pod', 'demo-planner-test-connection');
    expect(pod.metadata.annotations?.['helm.sh/hook']).toBe('test');
    const [container] = containersOf(pod) as [Container];
    expect(container.command).toEqual(['node', '--input-type=module', '--eval']);
    script = container.args?.[0] ?? '';
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const runScript = (): Promise<{ code: number | null; output: string }> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, ['--input-type=module', '--eval', script], {
        env: { ...process.env, SERVER_URL: url },
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('close', (code) => resolve({ code, output }));
    });

  it('passes when the server is ready', async () => {
    status = 200;
    const result = await runScript();
    expect(result.output).toContain('GET /ready: 200');
    expect(result.code).toBe(0);
  });

  it('fails when the server is not ready', async () => {
    status = 503;
    const result = await runScript();
    expect(result.output).toContain('GET /ready: 503');
    expect(result.code).toBe(1);
  });
});

describe('NOTES.txt', () => {
  const notes = async (values: Record<string, unknown>): Promise<string> => {
    const result = await runTool('helm', [
      'install',
      'demo',
      chartDirectory,
      '--dry-run=client',
      '--namespace',
      'apps',
      ...valueArgs(values),
    ]);
    expect(result.stderr).toBe('');
    return result.stdout.slice(result.stdout.indexOf('NOTES:'));
  };

  it('tells how to reach, watch and restore', async () => {
    const text = await notes({});
    expect(text).toContain('kubectl -n apps port-forward service/demo-planner-server 8080:80');
    expect(text).toContain('kubectl -n apps get planner');
    expect(text).toContain('kubectl planner restore demo-planner --from demo-planner-nightly -n apps --wait');
  });

  it('warns when pg_dump is too old', async () => {
    expect(await notes({ postgresql: { image: { tag: '18.1' } } })).toContain(
      "WARNING: the planner image's pg_dump is of major 17 and cannot dump PostgreSQL 18",
    );
    expect(await notes({})).not.toContain('cannot dump PostgreSQL');
  });
});

describe('chart README', () => {
  it('lists every value of values.yaml', async () => {
    const readme = await readFile(join(chartDirectory, 'README.md'), 'utf8');
    const values = parse(await readFile(join(chartDirectory, 'values.yaml'), 'utf8')) as Record<string, unknown>;
    const schema = JSON.parse(await readFile(join(chartDirectory, 'values.schema.json'), 'utf8')) as SchemaNode;
    const missing: string[] = [];
    const walk = (node: SchemaNode, value: unknown, path: string): void => {
      if (node.description !== undefined || node.properties === undefined) {
        if (!readme.includes(`| \`${path}\` |`)) missing.push(path);
        return;
      }
      for (const [key, child] of Object.entries(node.properties)) {
        expect({
          key: `${path}.${key}`,
          inValuesYaml: value !== null && typeof value === 'object' && key in value,
        }).toEqual({
          key: `${path}.${key}`,
          inValuesYaml: true,
        });
        walk(child, (value as Record<string, unknown>)[key], path === '' ? key : `${path}.${key}`);
      }
    };
    walk(schema, values, '');
    expect(missing).toEqual([]);
  });
});
