import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { loadBinMap } from './bins.ts';
import { describeError, isConflict, isNotFound } from './errors.ts';
import { createEventRecorder, type EventRecorder } from './events.ts';
import { startListWatch, type ListWatch } from './list-watch.ts';
import { createFileLogger, type AgentLogger } from './logger.ts';
import { registerNode } from './node-registration.ts';
import { PodWorker } from './pod-worker.ts';
import { claimHostPath } from './volumes.ts';

/** Options for {@link startNodeAgent}. */
export interface NodeAgentOptions {
  readonly kubeConfig: KubeConfig;
  /** Checkout whose package.json `bin` map names the files run for planner's programs. */
  readonly repositoryRoot: string;
  /** Folder for claim volumes, container logs and per-pod scratch space; created if missing. */
  readonly workDir: string;
  /** Node name; default `planner-local`. Two agents on one control plane need different names. */
  readonly nodeName?: string;
  /** Namespaces whose pods are bound and run; default all namespaces. */
  readonly namespaces?: readonly string[];
  /** Run the TypeScript sources behind package.json's `dist/` entries instead of the build; default false. */
  readonly runFromSource?: boolean;
  /**
   * Program name → file run by Node, relative to repositoryRoot. These entries are added to the
   * package.json map or replace its entries, so tests can map a program to a fixture.
   */
  readonly bins?: Readonly<Record<string, string>>;
  /**
   * Names of the programs run as processes; default every mapped program. Pods of any other
   * program become placeholders, for example a server Deployment whose replicas would all try
   * to listen on one port of the host.
   */
  readonly programs?: readonly string[];
  /**
   * Decides per pod whether its programs run; a pod for which it returns false is a placeholder.
   * The demo uses it to run the migration Job while its own local server and operator processes
   * stand in for the pods of the server and operator Deployments, which run the same program.
   */
  readonly runsPod?: (pod: V1Pod) => boolean;
  /**
   * Variables given to every process before the container's own. PATH, HOME, LANG and TZ are
   * taken from the agent's environment unless set here; nothing else of it is passed on.
   */
  readonly environment?: Readonly<Record<string, string>>;
  /** Default: JSON lines at debug level in `<workDir>/agent.log`. */
  readonly logger?: AgentLogger;
  /** First delay before a failed container restarts; default 1000 ms (the kubelet uses 10 s). */
  readonly restartBackoffMs?: number;
  /** Delay between attempts to start a container whose Secret or ConfigMap is missing; default 1000 ms. */
  readonly configRetryMs?: number;
}

/** A running local node agent. */
export interface NodeAgent {
  readonly nodeName: string;
  /** Host folder used in place of a PersistentVolumeClaim of the namespace. */
  hostPathForClaim(namespace: string, claimName: string): string;
  /** File holding the output of a container, appended across restarts. */
  containerLogPath(namespace: string, pod: string, container: string): string;
  /** Kills every process the agent started, stops watching and removes the Node. */
  stop(): Promise<void>;
}

const inheritedVariables = ['PATH', 'HOME', 'LANG', 'TZ'];
const bindRetryMs = 1000;

/**
 * Starts a test-only replacement for the scheduler and the kubelet. It registers a Node and keeps
 * it Ready, and binds every unscheduled pod of the watched namespaces to it. It runs the
 * containers of planner's programs as host processes, marks other pods Running, and reports pod
 * status as the kubelet does. Resolves once the Node is registered and watching has begun.
 */
export async function startNodeAgent(options: NodeAgentOptions): Promise<NodeAgent> {
  const nodeName = options.nodeName ?? 'planner-local';
  const workDir = resolve(options.workDir);
  await mkdir(join(workDir, 'logs'), { recursive: true });
  const logger = options.logger ?? createFileLogger(join(workDir, 'agent.log'));
  const bins = new Map(await loadBinMap(options.repositoryRoot, options.runFromSource));
  for (const [name, file] of Object.entries(options.bins ?? {})) bins.set(name, resolve(options.repositoryRoot, file));
  if (options.programs !== undefined) {
    for (const name of bins.keys()) if (!options.programs.includes(name)) bins.delete(name);
  }
  const core = options.kubeConfig.makeApiClient(CoreV1Api);
  const events = createEventRecorder(core, nodeName, logger);

  const environment: Record<string, string> = {};
  for (const name of inheritedVariables) {
    const value = process.env[name];
    if (value !== undefined) environment[name] = value;
  }
  Object.assign(environment, options.environment);

  const containerLogPath = (namespace: string, pod: string, container: string): string =>
    join(workDir, 'logs', `${namespace}_${pod}_${container}.log`);
  const context = {
    kubeConfig: options.kubeConfig,
    core,
    workDir,
    bins,
    environment,
    logger,
    events,
    restartBackoffMs: options.restartBackoffMs ?? 1000,
    configRetryMs: options.configRetryMs ?? 1000,
    containerLogPath,
    runsPod: options.runsPod,
  };

  const registration = await registerNode({ kubeConfig: options.kubeConfig, nodeName, logger });
  const pods = new PodSupervisor(nodeName, core, logger, events, (pod) => new PodWorker(pod, context));
  const watches: ListWatch[] = (options.namespaces ?? [undefined]).map((namespace) =>
    startListWatch<V1Pod>({
      kubeConfig: options.kubeConfig,
      path: namespace === undefined ? '/api/v1/pods' : `/api/v1/namespaces/${namespace}/pods`,
      list: async () => {
        const list =
          namespace === undefined ? await core.listPodForAllNamespaces() : await core.listNamespacedPod({ namespace });
        return { items: list.items, resourceVersion: list.metadata?.resourceVersion ?? '' };
      },
      onSync: (items) => pods.sync(items, namespace),
      onEvent: (type, pod) => (type === 'DELETED' ? pods.forget(pod) : pods.handle(pod)),
      logger,
    }),
  );
  logger.info('Node agent started', { node: nodeName, namespaces: options.namespaces ?? 'all' });

  return {
    nodeName,
    hostPathForClaim: (namespace, claimName) => claimHostPath(workDir, namespace, claimName),
    containerLogPath,
    async stop() {
      for (const watch of watches) watch.stop();
      await pods.stopAll();
      await registration.stop();
      logger.info('Node agent stopped', { node: nodeName });
    },
  };
}

/** Binds unscheduled pods and keeps one worker per pod bound to the node. */
class PodSupervisor {
  readonly #nodeName: string;
  readonly #core: CoreV1Api;
  readonly #logger: AgentLogger;
  readonly #events: EventRecorder;
  readonly #createWorker: (pod: V1Pod) => PodWorker;
  readonly #workers = new Map<string, PodWorker>();
  readonly #binding = new Set<string>();
  readonly #deleting = new Set<string>();
  #stopped = false;

  constructor(
    nodeName: string,
    core: CoreV1Api,
    logger: AgentLogger,
    events: EventRecorder,
    createWorker: (pod: V1Pod) => PodWorker,
  ) {
    this.#nodeName = nodeName;
    this.#core = core;
    this.#logger = logger;
    this.#events = events;
    this.#createWorker = createWorker;
  }

  /** Handles a full list: every pod is handled, and workers of pods no longer listed are dropped. */
  sync(pods: V1Pod[], namespace: string | undefined): void {
    const listed = new Set(pods.map((pod) => pod.metadata?.uid));
    for (const worker of this.#workers.values()) {
      const inScope = namespace === undefined || worker.pod.metadata?.namespace === namespace;
      if (inScope && !listed.has(worker.uid)) this.forget(worker.pod);
    }
    for (const pod of pods) this.handle(pod);
  }

  handle(pod: V1Pod): void {
    if (this.#stopped) return;
    const uid = pod.metadata?.uid ?? '';
    this.#logger.debug('Pod observed', {
      namespace: pod.metadata?.namespace,
      pod: pod.metadata?.name,
      node: pod.spec?.nodeName,
      phase: pod.status?.phase,
      deletionTimestamp: pod.metadata?.deletionTimestamp,
    });
    if (!pod.spec?.nodeName) {
      if (pod.metadata?.deletionTimestamp === undefined) void this.#bind(pod);
      return;
    }
    if (pod.spec.nodeName !== this.#nodeName) return;

    let worker = this.#workers.get(uid);
    if (worker === undefined) {
      const phase = pod.status?.phase;
      if (phase === 'Succeeded' || phase === 'Failed') {
        if (pod.metadata?.deletionTimestamp !== undefined) void this.#deletePod(pod);
        return;
      }
      worker = this.#createWorker(pod);
      this.#workers.set(uid, worker);
      worker.start();
    }
    worker.observe(pod);
    if (pod.metadata?.deletionTimestamp !== undefined && !this.#deleting.has(uid)) {
      this.#deleting.add(uid);
      const terminating = worker.runsProcesses ? worker.terminate('Deleted') : Promise.resolve();
      void terminating.then(() => this.#deletePod(pod));
    }
  }

  /** Drops the worker of a pod that no longer exists, stopping any process it still has. */
  forget(pod: V1Pod): void {
    const uid = pod.metadata?.uid ?? '';
    const worker = this.#workers.get(uid);
    if (worker === undefined) return;
    this.#workers.delete(uid);
    this.#binding.delete(uid);
    this.#deleting.delete(uid);
    void worker.dispose().catch((error: unknown) => {
      this.#logger.warn('Pod clean-up failed', { pod: pod.metadata?.name, err: describeError(error) });
    });
  }

  async stopAll(): Promise<void> {
    this.#stopped = true;
    const workers = [...this.#workers.values()];
    this.#workers.clear();
    await Promise.all(workers.map((worker) => worker.terminate('AgentStopped', 2000)));
  }

  async #bind(pod: V1Pod): Promise<void> {
    const { name = '', namespace = 'default', uid = '' } = pod.metadata ?? {};
    if (this.#binding.has(uid)) return;
    this.#binding.add(uid);
    try {
      await this.#core.createNamespacedPodBinding({
        name,
        namespace,
        body: { metadata: { name, uid }, target: { apiVersion: 'v1', kind: 'Node', name: this.#nodeName } },
      });
      this.#logger.info('Pod bound', { namespace, pod: name, node: this.#nodeName });
      const message = `Successfully assigned ${namespace}/${name} to ${this.#nodeName}`;
      this.#events.record(pod, 'Normal', 'Scheduled', message, 'default-scheduler');
    } catch (error) {
      if (!isConflict(error) && !isNotFound(error)) {
        this.#logger.warn('Pod binding failed; retrying', { namespace, pod: name, err: describeError(error) });
        this.#binding.delete(uid);
        setTimeout(() => this.handle(pod), bindRetryMs);
      }
    }
  }

  async #deletePod(pod: V1Pod): Promise<void> {
    const { name = '', namespace = 'default', uid } = pod.metadata ?? {};
    try {
      // kube-apiserver 1.36 ignores the query parameters of a DELETE that has a body, so the grace period
      // goes into the DeleteOptions body beside the precondition.
      await this.#core.deleteNamespacedPod({
        name,
        namespace,
        body: { gracePeriodSeconds: 0, preconditions: { uid } },
      });
      this.#logger.info('Pod deleted', { namespace, pod: name });
    } catch (error) {
      if (isNotFound(error) || isConflict(error)) return;
      this.#logger.warn('Pod deletion failed', { namespace, pod: name, err: describeError(error) });
    }
  }
}
