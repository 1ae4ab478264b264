import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import pg from 'pg';
import { startControlPlane, type ControlPlane } from '../harness/control-plane.ts';
import { repositoryRoot } from '../harness/paths.ts';
import { startPostgres, type PostgresServer } from '../harness/postgres.ts';
import { runCommand } from '../harness/processes.ts';
import { ensureTools } from '../harness/tools.ts';

/** Where PostgreSQL and the control plane come from: started here, or those of jest's global set-up. */
export type EnvironmentSource =
  { kind: 'own' } | { kind: 'shared'; kubeconfigPath: string; databaseAdminUrl: string; pgBinDir: string };

/** PostgreSQL and the control plane, whoever started them. */
export interface BaseEnvironment {
  readonly kubeConfig: KubeConfig;
  readonly kubeconfigPath: string;
  readonly databaseAdminUrl: string;
  readonly pgBinDir: string;
  /** Whether the CRDs are already installed (by the harness); if not, the chart installs them. */
  readonly crdsInstalled: boolean;
  readonly logFolders: string[];
  stop(): Promise<void>;
}

/**
 * Starts PostgreSQL and a control plane without the harness's CRDs, so that the chart installs them
 * with Helm's ownership, or adopts the shared services of jest's global set-up.
 */
export async function startBaseEnvironment(source: EnvironmentSource): Promise<BaseEnvironment> {
  if (source.kind === 'shared') {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(source.kubeconfigPath);
    return {
      kubeConfig,
      kubeconfigPath: source.kubeconfigPath,
      databaseAdminUrl: source.databaseAdminUrl,
      pgBinDir: source.pgBinDir,
      crdsInstalled: true,
      logFolders: [],
      stop: async () => undefined,
    };
  }
  let postgres: PostgresServer | undefined;
  let controlPlane: ControlPlane | undefined;
  try {
    [postgres, controlPlane] = await Promise.all([startPostgres(), startControlPlane({ installCrds: false })]);
  } catch (error) {
    await Promise.allSettled([postgres?.stop(), controlPlane?.stop()]);
    throw error;
  }
  const started = { postgres, controlPlane };
  return {
    kubeConfig: controlPlane.kubeConfig,
    kubeconfigPath: controlPlane.kubeconfigPath,
    databaseAdminUrl: postgres.url,
    pgBinDir: postgres.binDir,
    crdsInstalled: false,
    logFolders: [controlPlane.directory, postgres.logFile],
    async stop() {
      await Promise.all([started.controlPlane.stop(), started.postgres.stop()]);
    },
  };
}

/** The application's own database and login role, as a managed service would hand them out. */
export interface AppDatabase {
  readonly host: string;
  readonly port: number;
  readonly name: string;
  readonly user: string;
  readonly password: string;
  /** A pool on the app database with the superuser, for counting rows behind the API's back. */
  readonly adminPool: pg.Pool;
  drop(): Promise<void>;
}

/** Creates a role that can log in and a database it owns; the app never uses the superuser. */
export async function createAppDatabase(adminUrl: string, prefix: string): Promise<AppDatabase> {
  const suffix = randomBytes(3).toString('hex');
  const name = `${prefix}_${suffix}`;
  const user = `${prefix}_app_${suffix}`;
  const password = randomBytes(18).toString('base64url');
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE ROLE "${user}" LOGIN PASSWORD '${password}'`);
    await admin.query(`CREATE DATABASE "${name}" OWNER "${user}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  const databaseUrl = new URL(adminUrl);
  databaseUrl.pathname = `/${name}`;
  const adminPool = new pg.Pool({ connectionString: databaseUrl.toString(), max: 2 });
  return {
    host: url.hostname,
    port: Number(url.port || 5432),
    name,
    user,
    password,
    adminPool,
    async drop() {
      await adminPool.end();
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await client.query(`DROP ROLE IF EXISTS "${user}"`);
      } finally {
        await client.end();
      }
    },
  };
}

/** The image name the operator writes into backup and restore Jobs; the agent runs them by command. */
export const runnerImage = 'bbcagents/planner:local';

/** Values that fit this environment: an external database on loopback and one watched namespace. */
export function chartValues(options: {
  namespace: string;
  database: AppDatabase;
  installCrds: boolean;
}): Record<string, unknown> {
  return {
    crds: { enabled: options.installCrds },
    postgresql: { enabled: false },
    externalDatabase: {
      host: options.database.host,
      port: options.database.port,
      database: options.database.name,
      username: options.database.user,
      password: options.database.password,
    },
    operator: { watchNamespaces: [options.namespace], runnerImage },
    plannerApp: { replicas: { min: 1, max: 4 } },
    tests: { enabled: false },
  };
}

/** Paths of helm and kubectl, and an environment that points them at the control plane. */
export function kubeTools(kubeconfigPath: string): { helm: string; kubectl: string; env: NodeJS.ProcessEnv } {
  const tools = ensureTools();
  return { helm: tools.helm, kubectl: tools.kubectl, env: { ...process.env, KUBECONFIG: kubeconfigPath } };
}

/**
 * Installs the chart. There is no `--wait`: nothing here runs the server and operator pods (they
 * are placeholders that the local processes stand in for), so readiness is awaited step by step.
 */
export async function helmInstall(
  kubeconfigPath: string,
  release: string,
  namespace: string,
  values: Record<string, unknown>,
): Promise<string> {
  const { helm, env } = kubeTools(kubeconfigPath);
  const args = ['install', release, join(repositoryRoot, 'charts', 'planner'), '--namespace', namespace];
  for (const [key, value] of Object.entries(values)) args.push('--set-json', `${key}=${JSON.stringify(value)}`);
  return runCommand(helm, args, { env });
}
