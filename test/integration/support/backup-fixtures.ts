import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig, V1Deployment, V1Job } from '@kubernetes/client-node';
import pg from 'pg';
import type { PlannerApp, PlannerBackup, PlannerBackupSpec } from '../../../operator/api/generated.ts';
import { plannerApiVersion, resourceTypes } from '../../../operator/api/resources.ts';
import { createOperator } from '../../../operator/manager.ts';
import { KubeClient } from '../../../operator/runtime/client.ts';
import type { Clock } from '../../../operator/runtime/clock.ts';
import { createLogger } from '../../../operator/runtime/logger.ts';
import type { Manager } from '../../../operator/runtime/manager.ts';
import type { KubeObject } from '../../../operator/runtime/objects.ts';
import { startNodeAgent, type NodeAgent } from '../../agent/agent.ts';
import { createFileDatabase, createTestNamespace, loadTestKubeConfig, testPgBinDir } from '../../harness/context.ts';
import { repositoryRoot } from '../../harness/paths.ts';
import type { TestDatabase } from '../../harness/postgres.ts';
import { eventually } from '../../harness/processes.ts';

export { eventually };

/** Name of the PVC that test PlannerBackups store into; the agent maps it to a host folder. */
export const backupClaim = 'backups';

/** One test file's world: a namespace with app `web`, its database, a node agent and an operator. */
export interface BackupEnvironment {
  kubeConfig: KubeConfig;
  namespace: string;
  client: KubeClient;
  database: TestDatabase;
  agent: NodeAgent;
  operator: Manager;
  /** Host folder of the backups of PlannerBackup `name` (pvc storage without a path). */
  backupFolder(name: string): string;
  /** Stops the operator, as a crash or a rollout would. */
  stopOperator(): Promise<void>;
  /** Starts a new operator with the same clock. */
  startOperator(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Sets up one test file: the CRDs applied as plain JSON (so their defaults and CEL rules hold),
 * a namespace, a database with planner-like rows, the app objects (Deployment, Secret `db`,
 * PlannerApp `web`), a node agent running planner-backup from source with the test pg tools on
 * PATH, and an operator scoped to the namespace using `clock`.
 */
export async function startBackupEnvironment(prefix: string, clock?: Clock): Promise<BackupEnvironment> {
  const kubeConfig = loadTestKubeConfig();
  const client = new KubeClient({ kubeConfig, userAgent: 'planner-tests' });
  const namespace = await createTestNamespace(kubeConfig, prefix);
  const database = await createFileDatabase(prefix.replaceAll('-', '_'));
  await seedPlannerRows(database.url, 500);
  const workDir = await mkdtemp(join(tmpdir(), 'planner-backup-'));
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
  await createApp(client, namespace.name, database.url);
  const environment: BackupEnvironment = {
    kubeConfig,
    namespace: namespace.name,
    client,
    database,
    agent,
    operator: await startBackupOperator(kubeConfig, namespace.name, clock),
    backupFolder: (name) => join(agent.hostPathForClaim(namespace.name, backupClaim), namespace.name, name),
    async stopOperator() {
      await environment.operator.stop();
    },
    async startOperator() {
      environment.operator = await startBackupOperator(kubeConfig, namespace.name, clock);
    },
    async stop() {
      await environment.operator.stop().catch(() => undefined);
      await agent.stop();
      await namespace.delete();
      await database.drop();
      client.close();
      await rm(workDir, { recursive: true, force: true });
    },
  };
  return environment;
}

/** Starts an operator in this process, scoped to one namespace; logs only when OPERATOR_TEST_LOG names a level. */
export async function startBackupOperator(kubeConfig: KubeConfig, namespace: string, clock?: Clock): Promise<Manager> {
  const level = process.env.OPERATOR_TEST_LOG;
  const logger = createLogger({ level: level ?? 'info', format: 'text', silent: level === undefined });
  const manager = createOperator(
    {
      namespaces: [namespace],
      metricsBindAddress: '127.0.0.1:0',
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
    { kubeConfig, logger, clock },
  );
  await manager.start();
  return manager;
}

async function createApp(client: KubeClient, namespace: string, databaseUrl: string): Promise<void> {
  const labels = { app: 'web' };
  await client.create<V1Deployment>(resourceTypes.deployment, namespace, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'server', image: 'planner:test' }] } },
    },
  });
  await createDatabaseSecret(client, namespace, 'db', databaseUrl);
  await client.create<PlannerApp>(resourceTypes.plannerApp, namespace, {
    apiVersion: plannerApiVersion,
    kind: 'PlannerApp',
    metadata: { name: 'web', namespace },
    spec: { workloadRef: { name: 'web' }, database: { secretRef: { name: 'db' } }, replicas: { min: 1, max: 2 } },
  });
}

/** Creates a database Secret with a url key. */
export function createDatabaseSecret(client: KubeClient, namespace: string, name: string, url: string) {
  return client.create(resourceTypes.secret, namespace, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    stringData: { url },
  } as KubeObject);
}

/** Creates planner-like tables (projects, and tasks referencing them) with `tasks` task rows. */
export async function seedPlannerRows(url: string, tasks: number): Promise<void> {
  const connection = new pg.Client({ connectionString: url });
  await connection.connect();
  try {
    await connection.query(
      `CREATE TABLE projects (id bigserial PRIMARY KEY, name text NOT NULL);
       CREATE TABLE tasks (id bigserial PRIMARY KEY, project_id bigint NOT NULL REFERENCES projects(id),
         title text NOT NULL, status text NOT NULL);
       INSERT INTO projects (name) SELECT 'Project ' || g FROM generate_series(1, 4) g;
       INSERT INTO tasks (project_id, title, status)
         SELECT 1 + g % 4, 'Task ' || g, (ARRAY['todo','doing','done'])[1 + g % 3] FROM generate_series(1, ${tasks}) g;`,
    );
  } finally {
    await connection.end();
  }
}

/** Creates a PlannerBackup of app `web` stored on the test PVC. */
export function createBackup(
  client: KubeClient,
  namespace: string,
  name: string,
  spec: Partial<PlannerBackupSpec> = {},
  annotations?: Record<string, string>,
) {
  return client.create<PlannerBackup>(resourceTypes.plannerBackup, namespace, {
    apiVersion: plannerApiVersion,
    kind: 'PlannerBackup',
    metadata: { name, namespace, annotations },
    spec: { appRef: { name: 'web' }, storage: { pvc: { claimName: backupClaim } }, ...spec },
  });
}

/** Reads a PlannerBackup. */
export function readBackup(client: KubeClient, namespace: string, name: string) {
  return client.get<PlannerBackup>(resourceTypes.plannerBackup, namespace, name);
}

/** The Jobs of a PlannerBackup, by name. */
export async function listBackupJobs(client: KubeClient, namespace: string, backup: string): Promise<string[]> {
  const list = await client.list<V1Job>(resourceTypes.job, namespace, {
    labelSelector: `planner.bbcagents.io/backup=${backup}`,
  });
  return list.items.map((job) => job.metadata?.name ?? '').sort();
}

/** Backup ids that have a manifest in a host folder, sorted; an absent folder has none. */
export async function storedBackupIds(folder: string): Promise<string[]> {
  const names = await readdir(folder).catch(() => [] as string[]);
  return names
    .filter((name) => name.endsWith('.manifest.json'))
    .map((name) => name.slice(0, -'.manifest.json'.length))
    .sort();
}
