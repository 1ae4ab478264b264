import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BatchV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { startNodeAgent, type NodeAgent } from '../agent/agent.ts';
import { repositoryRoot } from '../harness/paths.ts';
import { runCommand, waitFor } from '../harness/processes.ts';
import {
  chartValues,
  createAppDatabase,
  helmInstall,
  kubeTools,
  startBaseEnvironment,
  type AppDatabase,
  type EnvironmentSource,
} from './cluster.ts';
import { prepareOperator, superviseServer, type OperatorProcess, type ServerSupervisor } from './workloads.ts';

/** Names of the objects the chart creates for release "planner". */
export const release = 'planner';
export const names = {
  app: 'planner',
  serverDeployment: 'planner-server',
  operatorDeployment: 'planner-operator',
  nightlyBackup: 'planner-nightly',
  backupClaim: 'planner-backups',
} as const;

/** Everything the flow needs, running. */
export interface System {
  readonly kubeConfig: KubeConfig;
  /** Admin kubeconfig, for kubectl, helm and the plugin. */
  readonly kubeconfigPath: string;
  readonly namespace: string;
  readonly database: AppDatabase;
  readonly pgBinDir: string;
  readonly agent: NodeAgent;
  readonly server: ServerSupervisor;
  readonly operator: OperatorProcess;
  readonly logDir: string;
  /** Folders and files with the logs of every process. */
  readonly logFolders: string[];
  readonly timings: Record<string, number>;
  stop(): Promise<void>;
}

export interface StartOptions {
  source: EnvironmentSource;
  logDir: string;
  /** Progress lines for a person. */
  onProgress?: (message: string) => void;
}

/**
 * Starts PostgreSQL and the control plane (or adopts the shared ones), the node agent, installs the
 * chart, waits for its migration Job, and starts the operator and server as local processes in place
 * of their pods. Whatever was started is stopped again when a later part fails.
 */
export async function startSystem(options: StartOptions): Promise<System> {
  const progress = options.onProgress ?? (() => undefined);
  const timings: Record<string, number> = {};
  const cleanups: (() => Promise<unknown>)[] = [];
  const stopAll = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    cleanups.length = 0;
  };
  const timed = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    progress(`${label}...`);
    const result = await work();
    timings[label] = Date.now() - started;
    return result;
  };
  await mkdir(options.logDir, { recursive: true });
  try {
    const base = await timed('starting PostgreSQL and the control plane', () => startBaseEnvironment(options.source));
    cleanups.push(() => base.stop());
    const core = base.kubeConfig.makeApiClient(CoreV1Api);
    const namespace = `planner-demo-${Date.now().toString(36).slice(-5)}`;
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    cleanups.push(() => core.deleteNamespace({ name: namespace }));
    await waitFor(async () => core.readNamespacedServiceAccount({ name: 'default', namespace }), {
      description: `the default ServiceAccount of ${namespace}`,
      timeoutMs: 30_000,
    });
    const database = await createAppDatabase(base.databaseAdminUrl, 'planner');
    cleanups.push(() => database.drop());

    const agent = await startNodeAgent({
      kubeConfig: base.kubeConfig,
      repositoryRoot,
      workDir: join(options.logDir, 'agent'),
      namespaces: [namespace],
      environment: { PATH: `${base.pgBinDir}:${process.env.PATH ?? ''}` },
      // The local server and operator processes below stand in for these pods.
      runsPod: (pod) => !['server', 'operator'].includes(pod.metadata?.labels?.['app.kubernetes.io/component'] ?? ''),
    });
    cleanups.push(() => agent.stop());

    await timed('installing the chart with helm', () =>
      helmInstall(
        base.kubeconfigPath,
        release,
        namespace,
        chartValues({ namespace, database, installCrds: !base.crdsInstalled }),
      ),
    );
    cleanups.push(() => helmUninstallQuietly(base.kubeconfigPath, namespace));
    const batch = base.kubeConfig.makeApiClient(BatchV1Api);
    await timed('running the migration Job', () =>
      waitFor(
        async () => {
          const jobs = await batch.listNamespacedJob({ namespace });
          const job = jobs.items.find((item) => item.metadata?.name?.startsWith(`${release}-migrate`));
          const failed = job?.status?.conditions?.find((c) => c.type === 'Failed' && c.status === 'True');
          if (failed !== undefined) throw new Error(`the migration Job failed: ${failed.message ?? failed.reason}`);
          return job?.status?.succeeded === 1 ? true : undefined;
        },
        { description: 'the migration Job to complete', timeoutMs: 120_000, intervalMs: 500 },
      ),
    );

    const operator = await prepareOperator(base.kubeConfig, namespace, names.operatorDeployment, options.logDir);
    await timed('starting the operator', () => operator.start());
    cleanups.push(() => operator.stop());
    const server = await timed('starting the server', () =>
      superviseServer(base.kubeConfig, namespace, names.serverDeployment, options.logDir),
    );
    cleanups.push(() => server.stop());

    return {
      kubeConfig: base.kubeConfig,
      kubeconfigPath: base.kubeconfigPath,
      namespace,
      database,
      pgBinDir: base.pgBinDir,
      agent,
      server,
      operator,
      logDir: options.logDir,
      logFolders: [options.logDir, ...base.logFolders],
      timings,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function helmUninstallQuietly(kubeconfigPath: string, namespace: string): Promise<void> {
  const { helm, env } = kubeTools(kubeconfigPath);
  await runCommand(helm, ['uninstall', release, '--namespace', namespace], { env }).catch(() => undefined);
}
