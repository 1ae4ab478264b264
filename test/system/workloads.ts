import { join } from 'node:path';
import { AppsV1Api, CoreV1Api, type KubeConfig, type V1Container, type V1Pod } from '@kubernetes/client-node';
import { writeServiceAccountKubeconfig } from '../agent/service-account.ts';
import { repositoryRoot } from '../harness/paths.ts';
import { findFreePort, startProcess, waitFor, type ManagedProcess } from '../harness/processes.ts';

/** The container's environment as the kubelet would build it: envFrom, then env, Secrets resolved. */
export async function resolveContainerEnv(
  core: CoreV1Api,
  namespace: string,
  container: V1Container,
): Promise<Record<string, string>> {
  const secrets = new Map<string, Record<string, string>>();
  const secret = async (name: string): Promise<Record<string, string>> => {
    if (!secrets.has(name)) {
      const data = (await core.readNamespacedSecret({ name, namespace })).data ?? {};
      const decoded = Object.fromEntries(
        Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]),
      );
      secrets.set(name, decoded);
    }
    return secrets.get(name) ?? {};
  };
  const configMap = async (name: string): Promise<Record<string, string>> =>
    (await core.readNamespacedConfigMap({ name, namespace })).data ?? {};

  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const values =
      source.configMapRef !== undefined
        ? await configMap(source.configMapRef.name ?? '')
        : await secret(source.secretRef?.name ?? '');
    for (const [key, value] of Object.entries(values)) env[`${source.prefix ?? ''}${key}`] = value;
  }
  for (const variable of container.env ?? []) {
    const from = variable.valueFrom;
    if (from?.secretKeyRef !== undefined) {
      const value = (await secret(from.secretKeyRef.name ?? ''))[from.secretKeyRef.key];
      if (value !== undefined) env[variable.name] = value;
    } else if (from?.configMapKeyRef !== undefined) {
      const value = (await configMap(from.configMapKeyRef.name ?? ''))[from.configMapKeyRef.key];
      if (value !== undefined) env[variable.name] = value;
    } else if (from === undefined) {
      env[variable.name] = variable.value ?? '';
    }
  }
  return env;
}

/** Picks what a local process needs from this process's environment. */
function baseEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'LANG', 'TZ']) if (process.env[name] !== undefined) env[name] = process.env[name];
  return env;
}

/** A server process kept in step with the server Deployment's spec.replicas (running while > 0). */
export interface ServerSupervisor {
  readonly baseUrl: string;
  readonly logFile: string;
  /** Starts and stops so far, oldest first, for the summary and the test. */
  readonly history: { action: 'started' | 'stopped'; at: Date; replicas: number }[];
  isRunning(): boolean;
  stop(): Promise<void>;
}

/**
 * Runs the server as a local process with the environment the chart gives the server pods (its
 * ConfigMap and Secrets), on a free loopback port. One process replaces every replica: it runs
 * while the Deployment asks for at least one and stops when the Deployment is scaled to zero.
 */
export async function superviseServer(
  kubeConfig: KubeConfig,
  namespace: string,
  deployment: string,
  logDir: string,
): Promise<ServerSupervisor> {
  const apps = kubeConfig.makeApiClient(AppsV1Api);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const port = await findFreePort();
  const logFile = join(logDir, 'server.log');
  const history: ServerSupervisor['history'] = [];
  let child: ManagedProcess | undefined;
  let stopped = false;
  let busy = Promise.resolve();

  const tick = async (): Promise<void> => {
    const object = await apps.readNamespacedDeployment({ name: deployment, namespace });
    const replicas = object.spec?.replicas ?? 1;
    if (replicas > 0 && child === undefined) {
      const container = object.spec?.template.spec?.containers[0];
      if (container === undefined) throw new Error(`deployment ${deployment} has no container`);
      const env = { ...baseEnvironment(), ...(await resolveContainerEnv(core, namespace, container)) };
      Object.assign(env, { PORT: String(port), HOST: '127.0.0.1' });
      child = startProcess('planner-server', process.execPath, [join(repositoryRoot, 'dist/server/cli.js')], logFile, {
        env,
      });
      history.push({ action: 'started', at: new Date(), replicas });
    } else if (replicas === 0 && child !== undefined) {
      const running = child;
      child = undefined;
      await running.stop(15_000);
      history.push({ action: 'stopped', at: new Date(), replicas });
    }
  };
  const timer = setInterval(() => {
    busy = busy.then(tick).catch(() => undefined);
  }, 500);
  await tick();
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => ((await fetch(`${baseUrl}/ready`).catch(() => undefined))?.status === 200 ? true : undefined),
    { description: `the local server at ${baseUrl}/ready (log: ${logFile})`, timeoutMs: 60_000, intervalMs: 250 },
  );
  return {
    baseUrl,
    logFile,
    history,
    isRunning: () => child !== undefined,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      await busy;
      await child?.stop(15_000);
      child = undefined;
    },
  };
}

/** The operator as a local process with the chart's arguments and its ServiceAccount's token. */
export interface OperatorProcess {
  readonly metricsUrl: string;
  readonly healthUrl: string;
  readonly logFile: string;
  readonly kubeconfigPath: string;
  start(): Promise<void>;
  /** Stops it: SIGTERM, or SIGKILL at once with kill. */
  stop(options?: { kill?: boolean }): Promise<void>;
}

/**
 * Prepares the operator process. Its kubeconfig contains a token of the chart's operator ServiceAccount
 * bound to the operator pod (a placeholder), so it acts with exactly the chart's RBAC. Its arguments
 * are those of the chart's Deployment, with the metrics and health ports moved to free loopback ports.
 */
export async function prepareOperator(
  kubeConfig: KubeConfig,
  namespace: string,
  deployment: string,
  logDir: string,
): Promise<OperatorProcess> {
  const apps = kubeConfig.makeApiClient(AppsV1Api);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const object = await apps.readNamespacedDeployment({ name: deployment, namespace });
  const selector = Object.entries(object.spec?.selector.matchLabels ?? {})
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  const pod = await waitFor(
    async () => (await core.listNamespacedPod({ namespace, labelSelector: selector })).items[0],
    { description: `a pod of deployment ${deployment}`, timeoutMs: 60_000, intervalMs: 250 },
  );
  const kubeconfigPath = await writeServiceAccountKubeconfig(pod as V1Pod, kubeConfig, core, logDir, undefined);
  const container = object.spec?.template.spec?.containers[0];
  const [metricsPort, healthPort] = [await findFreePort(), await findFreePort()];
  const args = (container?.args ?? [])
    .filter((arg) => !/^--(metrics-bind-address|health-probe-bind-address)=/.test(arg))
    .concat(`--metrics-bind-address=127.0.0.1:${metricsPort}`, `--health-probe-bind-address=127.0.0.1:${healthPort}`);
  const env = {
    ...baseEnvironment(),
    NODE_ENV: 'production',
    POD_NAME: pod.metadata?.name ?? '',
    POD_NAMESPACE: namespace,
    KUBECONFIG: kubeconfigPath,
  };
  const logFile = join(logDir, 'operator.log');
  const healthUrl = `http://127.0.0.1:${healthPort}`;
  let child: ManagedProcess | undefined;
  return {
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    healthUrl,
    logFile,
    kubeconfigPath,
    async start() {
      const started = startProcess(
        'planner-operator',
        process.execPath,
        [join(repositoryRoot, 'dist/operator/cli.js'), ...args],
        logFile,
        { env },
      );
      child = started;
      await waitFor(
        async () => ((await fetch(`${healthUrl}/readyz`).catch(() => undefined))?.ok === true ? true : undefined),
        {
          description: `the operator's /readyz (log: ${logFile})`,
          timeoutMs: 60_000,
          intervalMs: 250,
          process: started,
        },
      );
    },
    async stop(options = {}) {
      const running = child;
      child = undefined;
      if (running === undefined) return;
      if (options.kill === true) {
        running.child.kill('SIGKILL');
        await running.exited;
      } else {
        await running.stop(15_000);
      }
    },
  };
}
