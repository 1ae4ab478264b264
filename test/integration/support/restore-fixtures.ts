import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig, V1Deployment } from '@kubernetes/client-node';
import pg from 'pg';
import type { PlannerApp, PlannerRestore, PlannerRestoreSpec } from '../../../operator/api/generated.ts';
import { plannerApiVersion, resourceTypes } from '../../../operator/api/resources.ts';
import { createOperator } from '../../../operator/manager.ts';
import { KubeClient } from '../../../operator/runtime/client.ts';
import { createLogger } from '../../../operator/runtime/logger.ts';
import type { Manager } from '../../../operator/runtime/manager.ts';
import type { KubeObject } from '../../../operator/runtime/objects.ts';
import { startNodeAgent, type NodeAgent } from '../../agent/agent.ts';
import {
  createFileDatabase,
  createTestNamespace,
  loadTestKubeConfig,
  testPgBinDir,
  type TestNamespace,
} from '../../harness/context.ts';
import { repositoryRoot } from '../../harness/paths.ts';
import type { TestDatabase } from '../../harness/postgres.ts';
import { eventually } from '../../harness/processes.ts';

export { eventually };

/** Name of the PVC whose host folder holds the test backups. */
export const backupClaim = 'backups';

/** Everything a restore test works with: cluster, database, agent and operator, in one namespace. */
export interface RestoreEnvironment {
  kubeConfig: KubeConfig;
  namespace: string;
  client: KubeClient;
  database: TestDatabase;
  agent: NodeAgent;
  operator: Manager;
  /** Stops the current operator and starts a new one, as an operator restart does. */
  restartOperator(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Sets up one test file: the CRDs applied as plain JSON (the harness's typed client drops their
 * defaults and CEL rules), a namespace, a database, a node agent running planner-backup from source
 * with the server's pg tools on PATH, the app objects (Deployment `web` at 2 replicas, Secret `db`,
 * PlannerApp `web` with 2 to 4 replicas) and an operator scoped to the namespace.
 */
export async function startRestoreEnvironment(prefix: string): Promise<RestoreEnvironment> {
  const kubeConfig = loadTestKubeConfig();
  const client = new KubeClient({ kubeConfig, userAgent: 'planner-tests' });
  const namespace: TestNamespace = await createTestNamespace(kubeConfig, prefix);
  const database = await createFileDatabase(prefix.replaceAll('-', '_'));
  const workDir = await mkdtemp(join(tmpdir(), 'planner-restore-'));
  const agent = await startNodeAgent({
    kubeConfig,
    repositoryRoot,
    workDir,
    nodeName: `agent-${namespace.name}`,
    namespaces: [namespace.name],
    runFromSource: true,
    environment: { PATH: `${testPgBinDir()}:${process.env.PATH ?? ''}` },
    restartBackoffMs: 200,
    configRetryMs: 300,
  });
  const environment: RestoreEnvironment = {
    kubeConfig,
    namespace: namespace.name,
    client,
    database,
    agent,
    operator: await startOperator(kubeConfig, namespace.name),
    async restartOperator() {
      await environment.operator.stop();
      environment.operator = await startOperator(kubeConfig, namespace.name);
    },
    async stop() {
      await environment.operator.stop();
      await agent.stop();
      await namespace.delete();
      await database.drop();
      client.close();
      await rm(workDir, { recursive: true, force: true });
    },
  };
  await createAppObjects(client, namespace.name, database.url);
  return environment;
}

/** Starts an operator in this process, scoped to one namespace; logs only when OPERATOR_TEST_LOG names a level. */
export async function startOperator(kubeConfig: KubeConfig, namespace: string): Promise<Manager> {
  const level = process.env.OPERATOR_TEST_LOG;
  const logger = createLogger({ level: level ?? 'info', format: 'text', silent: level === undefined });
  const manager = createOperator(
    {
      namespaces: [namespace],
      metricsBindAddress: '0',
      healthProbeBindAddress: '0',
      leaderElect: false,
      leaderElectionNamespace: namespace,
      leaderElectionId: 'planner-operator',
      concurrency: 4,
      logLevel: 'debug',
      logFormat: 'text',
      runnerImage: 'planner:test',
      kubeconfig: undefined,
    },
    { kubeConfig, logger },
  );
  await manager.start();
  return manager;
}

async function createAppObjects(client: KubeClient, namespace: string, databaseUrl: string): Promise<void> {
  const labels = { app: 'web' };
  await client.create<V1Deployment>(resourceTypes.deployment, namespace, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'server', image: 'planner:test' }] } },
    },
  });
  await client.create(resourceTypes.secret, namespace, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db', namespace },
    stringData: { url: databaseUrl },
  } as KubeObject);
  await client.create<PlannerApp>(resourceTypes.plannerApp, namespace, {
    apiVersion: plannerApiVersion,
    kind: 'PlannerApp',
    metadata: { name: 'web', namespace },
    spec: { workloadRef: { name: 'web' }, database: { secretRef: { name: 'db' } }, replicas: { min: 2, max: 4 } },
  });
  await eventually(
    'PlannerApp web Active',
    () => client.get<PlannerApp>(resourceTypes.plannerApp, namespace, 'web'),
    (app) => app.status?.phase === 'Active',
  );
}

/** Runs SQL against a database and returns the rows of the last statement. */
export async function sql<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const connection = new pg.Client({ connectionString: url });
  await connection.connect();
  try {
    return (await connection.query<T>(text)).rows;
  } finally {
    await connection.end();
  }
}

/** Creates planner-like tables (projects, tasks with a foreign key) with `tasks` tasks. */
export async function seedTasks(url: string, tasks: number): Promise<void> {
  await sql(
    url,
    `CREATE TABLE projects (id bigserial PRIMARY KEY, name text NOT NULL);
     CREATE TABLE tasks (id bigserial PRIMARY KEY, project_id bigint NOT NULL REFERENCES projects(id),
       title text NOT NULL, status text NOT NULL);
     INSERT INTO projects (name) SELECT 'Project ' || g FROM generate_series(1, 4) g;
     INSERT INTO tasks (project_id, title, status)
       SELECT 1 + g % 4, 'Task ' || g, (ARRAY['todo','doing','done'])[1 + g % 3] FROM generate_series(1, ${tasks}) g;`,
  );
}

/** Number of rows in the tasks table. */
export async function countTasks(url: string): Promise<number> {
  const [row] = await sql<{ count: string }>(url, 'SELECT count(*) AS count FROM tasks');
  return Number(row?.count);
}

/** Runs `planner-backup` from source on the host with the test pg tools and the given environment. */
export async function runBackupRunner(
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const folder = await mkdtemp(join(tmpdir(), 'planner-runner-'));
  const child = spawn(process.execPath, [join(repositoryRoot, 'operator', 'runner', 'cli.ts'), ...args], {
    env: {
      PATH: `${testPgBinDir()}:${process.env.PATH ?? ''}`,
      PLANNER_TERMINATION_MESSAGE_PATH: join(folder, 'termination-log'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  await rm(folder, { recursive: true, force: true });
  return { code, stdout, stderr };
}

/** Takes a backup of the database into a folder with the runner, and returns its manifest. */
export async function takeBackup(
  databaseUrl: string,
  folder: string,
  backupId: string,
  format: 'custom' | 'plain' = 'custom',
): Promise<{ sha256: string; size: number; format: string }> {
  const run = await runBackupRunner(['backup', '--app', 'web', '--backup-id', backupId, '--format', format], {
    DATABASE_URL: databaseUrl,
    PLANNER_STORAGE_PATH: folder,
  });
  if (run.code !== 0) throw new Error(`backup ${backupId} failed with ${run.code}: ${run.stderr.slice(-1000)}`);
  return JSON.parse(await readFile(join(folder, `${backupId}.manifest.json`), 'utf8')) as {
    sha256: string;
    size: number;
    format: string;
  };
}

/** Creates a PlannerRestore. */
export function createRestore(client: KubeClient, namespace: string, name: string, spec: PlannerRestoreSpec) {
  return client.create<PlannerRestore>(resourceTypes.plannerRestore, namespace, {
    apiVersion: plannerApiVersion,
    kind: 'PlannerRestore',
    metadata: { name, namespace },
    spec,
  });
}

/** Reads a PlannerRestore. */
export function readRestore(client: KubeClient, namespace: string, name: string) {
  return client.get<PlannerRestore>(resourceTypes.plannerRestore, namespace, name);
}

/** Waits until the restore reaches one of the phases and returns it. */
export function waitForRestorePhase(
  client: KubeClient,
  namespace: string,
  name: string,
  phases: readonly string[],
  timeoutMs = 60_000,
): Promise<PlannerRestore> {
  return eventually(
    `PlannerRestore ${name} in phase ${phases.join(' or ')}`,
    () => readRestore(client, namespace, name),
    (restore) => phases.includes(restore.status?.phase ?? ''),
    timeoutMs,
  );
}

/** Replica count of the Deployment web. */
export async function deploymentReplicas(client: KubeClient, namespace: string): Promise<number | undefined> {
  const deployment = await client.get<V1Deployment>(resourceTypes.deployment, namespace, 'web');
  return deployment.spec?.replicas;
}
