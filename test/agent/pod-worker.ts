import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { CoreV1Api, KubeConfig, V1Container, V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { resolveHostCommand, type BinMap } from './bins.ts';
import { runContainer, sleepUnlessAborted, type ContainerRunContext } from './container-runner.ts';
import { describeError, isNotFound } from './errors.ts';
import type { EventRecorder } from './events.ts';
import type { AgentLogger } from './logger.ts';
import { buildPodStatus, type PodRuntimeState } from './pod-status.ts';
import { serviceAccountTokenVolumeName, writeServiceAccountKubeconfig } from './service-account.ts';
import { prepareVolumes, type VolumeHostPaths } from './volumes.ts';

/** Shared settings and clients for every pod the agent runs. */
export interface PodWorkerContext {
  readonly kubeConfig: KubeConfig;
  readonly core: CoreV1Api;
  readonly workDir: string;
  readonly bins: BinMap;
  /** Variables every process gets before the container's own, such as PATH. */
  readonly environment: Readonly<Record<string, string>>;
  readonly logger: AgentLogger;
  readonly events: EventRecorder;
  /** First delay before a failed container restarts; doubles up to 10 times this value. */
  readonly restartBackoffMs: number;
  /** Delay between attempts to start a container whose Secret or ConfigMap is missing. */
  readonly configRetryMs: number;
  readonly containerLogPath: (namespace: string, pod: string, container: string) => string;
  /** Returns false for a pod that is a placeholder even though it names mapped programs. */
  readonly runsPod?: (pod: V1Pod) => boolean;
}

/** Why a pod's processes are being stopped. */
export type TerminationCause = 'Deleted' | 'DeadlineExceeded' | 'AgentStopped';

/**
 * Runs one pod bound to the agent's node and reports its status. When every regular container
 * is a mapped program, the pod runs as host processes. Any other pod is a placeholder, which is
 * reported Running and Ready with nothing running.
 */
export class PodWorker {
  readonly uid: string;
  readonly runsProcesses: boolean;
  #pod: V1Pod;
  readonly #context: PodWorkerContext;
  readonly #logger: AgentLogger;
  readonly #podDir: string;
  readonly #abort = new AbortController();
  readonly #state: PodRuntimeState;
  readonly #containerRun: ContainerRunContext;
  readonly #processes = new Map<string, { stop(graceMs: number): Promise<unknown> }>();
  #deadlineTimer: NodeJS.Timeout | undefined;
  #kubeconfigPath: string | undefined;
  #terminating: Promise<void> | undefined;
  #pendingWrite: Promise<void> | undefined;
  #lastWrite: Promise<void> = Promise.resolve();

  constructor(pod: V1Pod, context: PodWorkerContext) {
    const { namespace = 'default', name = '', uid = '' } = pod.metadata ?? {};
    this.uid = uid;
    this.#pod = pod;
    this.#context = context;
    this.#logger = context.logger.child?.({ namespace, pod: name }) ?? context.logger;
    this.#podDir = join(context.workDir, 'pods', `${namespace}_${name}_${uid}`);
    this.runsProcesses =
      (context.runsPod?.(pod) ?? true) &&
      (pod.spec?.containers ?? []).every((c) => resolveHostCommand(c, context.bins) !== undefined);
    const initialStatus = (container: V1Container): V1ContainerStatus => ({
      name: container.name,
      image: container.image ?? '',
      imageID: '',
      ready: false,
      started: false,
      restartCount: 0,
      state: { waiting: { reason: 'PodInitializing' } },
    });
    this.#state = {
      phase: 'Pending',
      startTime: pod.status?.startTime ?? new Date(),
      sandboxReady: false,
      initContainerStatuses: (pod.spec?.initContainers ?? []).map(initialStatus),
      containerStatuses: (pod.spec?.containers ?? []).map(initialStatus),
    };
    this.#containerRun = {
      ...context,
      pod: () => this.#pod,
      podDir: this.#podDir,
      kubeconfigPath: () => this.#kubeconfigPath,
      signal: this.#abort.signal,
      logger: this.#logger,
      publish: () => this.publish(),
      markRunning: () => {
        if (this.#state.phase === 'Pending') this.#state.phase = 'Running';
      },
      track: (containerName, process) => this.#track(containerName, process),
    };
  }

  /** The latest version of the pod seen by the agent. */
  get pod(): V1Pod {
    return this.#pod;
  }

  get isTerminal(): boolean {
    return this.#state.phase === 'Succeeded' || this.#state.phase === 'Failed';
  }

  /** Records a newer version of the pod. */
  observe(pod: V1Pod): void {
    this.#pod = pod;
  }

  /** Starts the pod in the background; failures are logged and reported in the pod status. */
  start(): void {
    void this.#run().catch((error: unknown) => {
      this.#logger.error('Pod worker failed', { err: describeError(error) });
    });
  }

  #track(containerName: string, process: { stop(graceMs: number): Promise<unknown> } | undefined): void {
    if (process === undefined) this.#processes.delete(containerName);
    else this.#processes.set(containerName, process);
  }

  async #run(): Promise<void> {
    this.#armDeadline();
    if (!this.runsProcesses) return this.#runPlaceholder();
    await this.publish();

    let volumes: VolumeHostPaths | undefined;
    while (volumes === undefined) {
      try {
        volumes = await this.#prepareSandbox();
      } catch (error) {
        this.#logger.warn('Pod volumes could not be prepared; retrying', { err: describeError(error) });
        for (const status of this.#state.containerStatuses) {
          status.state = { waiting: { reason: 'ContainerCreating', message: describeError(error) } };
        }
        await this.publish();
        if (!(await this.#sleep(this.#context.configRetryMs))) return;
      }
    }
    this.#state.sandboxReady = true;

    const [initStatuses, statuses] = [this.#state.initContainerStatuses, this.#state.containerStatuses];
    for (const [index, container] of (this.#pod.spec?.initContainers ?? []).entries()) {
      const exitCode = await runContainer(this.#containerRun, container, initStatuses[index]!, volumes, true);
      if (this.#abort.signal.aborted) return;
      if (exitCode !== 0) return this.#finish('Failed');
    }
    for (const status of statuses) status.state = { waiting: { reason: 'ContainerCreating' } };

    const containers = this.#pod.spec?.containers ?? [];
    const exitCodes = await Promise.all(
      containers.map((container, index) => runContainer(this.#containerRun, container, statuses[index]!, volumes)),
    );
    if (this.#abort.signal.aborted) return;
    await this.#finish(exitCodes.every((code) => code === 0) ? 'Succeeded' : 'Failed');
  }

  /** Creates the volume folders and, when the pod mounts a service account token, its kubeconfig. */
  async #prepareSandbox(): Promise<VolumeHostPaths> {
    const { core, kubeConfig, workDir } = this.#context;
    const volumes = await prepareVolumes(this.#pod, workDir, this.#podDir, core);
    const tokenVolume = serviceAccountTokenVolumeName(this.#pod);
    if (tokenVolume !== undefined) {
      const folder = volumes.get(tokenVolume);
      this.#kubeconfigPath = await writeServiceAccountKubeconfig(this.#pod, kubeConfig, core, this.#podDir, folder);
    }
    return volumes;
  }

  async #runPlaceholder(): Promise<void> {
    const now = new Date();
    this.#state.sandboxReady = true;
    for (const status of this.#state.initContainerStatuses) {
      status.state = { terminated: { exitCode: 0, reason: 'Completed', startedAt: now, finishedAt: now } };
    }
    for (const status of this.#state.containerStatuses) {
      status.state = { running: { startedAt: now } };
      status.ready = true;
      status.started = true;
    }
    this.#state.phase = 'Running';
    await this.publish();
  }

  async #finish(phase: 'Succeeded' | 'Failed', reason?: string, message?: string): Promise<void> {
    clearTimeout(this.#deadlineTimer);
    this.#state.phase = phase;
    this.#state.reason = reason;
    this.#state.message = message;
    this.#logger.info('Pod finished', { phase, reason });
    await this.publish();
  }

  #armDeadline(): void {
    const seconds = this.#pod.spec?.activeDeadlineSeconds;
    if (seconds === undefined || !this.runsProcesses) return;
    const remainingMs = new Date(this.#state.startTime!).getTime() + seconds * 1000 - Date.now();
    this.#deadlineTimer = setTimeout(() => void this.terminate('DeadlineExceeded'), Math.max(remainingMs, 0));
  }

  /**
   * Stops the pod's processes (SIGTERM, then SIGKILL after the grace period) and, unless the
   * agent itself is stopping, reports the pod's final status: Failed with reason DeadlineExceeded
   * after the deadline, or the phase the exit codes give after a deletion. Safe to call twice.
   */
  terminate(cause: TerminationCause, graceMs = this.#gracePeriodMs()): Promise<void> {
    this.#terminating ??= (async () => {
      clearTimeout(this.#deadlineTimer);
      this.#abort.abort();
      for (const name of this.#processes.keys()) {
        this.#context.events.record(this.#pod, 'Normal', 'Killing', `Stopping container ${name}`);
      }
      await Promise.all([...this.#processes.values()].map((process) => process.stop(graceMs)));
      if (cause === 'AgentStopped' || !this.runsProcesses || this.isTerminal) return;
      if (cause === 'DeadlineExceeded') {
        const message = 'Pod was active on the node longer than the specified deadline';
        this.#context.events.record(this.#pod, 'Normal', 'DeadlineExceeded', message);
        return this.#finish(
          'Failed',
          'DeadlineExceeded',
          'Pod was active on the node longer than the specified deadline',
        );
      }
      const succeeded = this.#state.containerStatuses.every((status) => status.state?.terminated?.exitCode === 0);
      await this.#finish(succeeded ? 'Succeeded' : 'Failed');
    })();
    return this.#terminating;
  }

  #gracePeriodMs(): number {
    const seconds = this.#pod.metadata?.deletionGracePeriodSeconds ?? this.#pod.spec?.terminationGracePeriodSeconds;
    return (seconds ?? 30) * 1000;
  }

  /** Removes the pod's scratch folder (emptyDir volumes, termination messages); logs are kept. */
  async dispose(): Promise<void> {
    await this.terminate('AgentStopped', 0);
    await rm(this.#podDir, { recursive: true, force: true });
  }

  /** Writes the current status through the status subresource; writes are serialized and coalesced. */
  publish(): Promise<void> {
    this.#pendingWrite ??= this.#lastWrite.then(async () => {
      this.#pendingWrite = undefined;
      await this.#writeStatus();
    });
    const write = this.#pendingWrite;
    this.#lastWrite = write.catch(() => undefined);
    return write;
  }

  async #writeStatus(): Promise<void> {
    const { name = '', namespace = 'default' } = this.#pod.metadata ?? {};
    for (let attempt = 1; ; attempt += 1) {
      const status = buildPodStatus(this.#state, this.#pod.status, new Date());
      try {
        const updated = await this.#context.core.patchNamespacedPodStatus({
          name,
          namespace,
          body: [{ op: 'replace', path: '/status', value: status }],
        });
        if (updated.metadata?.uid === this.uid) this.#pod = updated;
        return;
      } catch (error) {
        if (isNotFound(error)) return;
        if (attempt >= 5) {
          this.#logger.warn('Pod status update failed', { err: describeError(error), attempts: attempt });
          return;
        }
        await delay(200 * attempt);
      }
    }
  }

  /** Sleeps unless the pod is being terminated; returns false when it was. */
  #sleep(ms: number): Promise<boolean> {
    return sleepUnlessAborted(ms, this.#abort.signal);
  }
}
