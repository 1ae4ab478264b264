import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { V1Container, V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { resolveHostCommand } from './bins.ts';
import { expandReferences, resolveContainerEnvironment } from './container-environment.ts';
import { startContainerProcess, type ContainerProcess } from './container-process.ts';
import { ContainerConfigError, describeError } from './errors.ts';
import type { PodWorkerContext } from './pod-worker.ts';
import { mountMapOf, rewriteMountedPath, type VolumeHostPaths } from './volumes.ts';

/** What {@link runContainer} needs from the pod worker that calls it. */
export interface ContainerRunContext extends PodWorkerContext {
  readonly pod: () => V1Pod;
  readonly podDir: string;
  /** Kubeconfig with the pod's service account token, when the pod mounts one. */
  readonly kubeconfigPath: () => string | undefined;
  /** Aborted when the pod is terminated: no further start or restart happens. */
  readonly signal: AbortSignal;
  /** Moves the pod to phase Running once a regular container has started. */
  readonly markRunning: () => void;
  /** Writes the pod status after the container status changed. */
  readonly publish: () => Promise<void>;
  /** Records the running process, or its end (undefined), so termination can stop it. */
  readonly track: (containerName: string, process: ContainerProcess | undefined) => void;
}

/** The environment variable through which planner's programs learn their termination message file. */
export const terminationMessagePathVariable = 'PLANNER_TERMINATION_MESSAGE_PATH';

/**
 * Runs one container to its end, restarting it as the pod's restartPolicy requires (an init
 * container restarts only on failure, and never under Never), and keeps `status` current.
 * An init container that is not a mapped program is reported completed without running.
 * Returns the final exit code, or undefined when the pod was terminated first.
 */
export async function runContainer(
  context: ContainerRunContext,
  container: V1Container,
  status: V1ContainerStatus,
  volumes: VolumeHostPaths,
  isInit = false,
): Promise<number | undefined> {
  const pod = context.pod();
  const host = resolveHostCommand(container, context.bins);
  if (host === undefined) {
    const now = new Date();
    const message = 'not a planner program, so the local node agent did not run it';
    status.state = { terminated: { exitCode: 0, reason: 'Completed', message, startedAt: now, finishedAt: now } };
    return 0;
  }

  const policy = pod.spec?.restartPolicy ?? 'Always';
  const namespace = pod.metadata?.namespace ?? 'default';
  const logFile = context.containerLogPath(namespace, pod.metadata?.name ?? '', container.name);
  const terminationMessageFile = await prepareTerminationMessageFile(context.podDir, container.name);
  const mounts = mountMapOf(container, volumes);
  let backoffMs = context.restartBackoffMs;

  while (!context.signal.aborted) {
    let containerEnvironment: Record<string, string>;
    try {
      containerEnvironment = await resolveContainerEnvironment(context.pod(), container, context.core);
    } catch (error) {
      // A missing reference waits for the user; any other failure (such as a lost connection
      // to the API) is retried the same way, with the container still creating.
      const message = describeError(error);
      const reason = error instanceof ContainerConfigError ? 'CreateContainerConfigError' : 'ContainerCreating';
      if (status.state?.waiting?.message !== message) {
        context.logger.warn('Container environment could not be resolved; retrying', {
          container: container.name,
          err: message,
        });
        context.events.record(pod, 'Warning', 'Failed', `Error: ${message}`);
      }
      status.state = { waiting: { reason, message } };
      await context.publish();
      if (!(await sleepUnlessAborted(context.configRetryMs, context.signal))) return undefined;
      continue;
    }

    const rewrite = (value: string): string => rewriteMountedPath(value, mounts);
    const environment: Record<string, string> = { ...context.environment, HOSTNAME: pod.metadata?.name ?? '' };
    const kubeconfigPath = context.kubeconfigPath();
    if (kubeconfigPath !== undefined) environment.KUBECONFIG = kubeconfigPath;
    for (const [key, value] of Object.entries(containerEnvironment)) environment[key] = rewrite(value);
    environment[terminationMessagePathVariable] = terminationMessageFile;
    const args = host.args.map((arg) => rewrite(expandReferences(arg, containerEnvironment)));
    // A working directory inside a mount maps to the host; any other would name a folder of the image.
    const mappedWorkingDir = container.workingDir === undefined ? undefined : rewrite(container.workingDir);
    const workingDirectory =
      mappedWorkingDir !== undefined && mappedWorkingDir !== container.workingDir ? mappedWorkingDir : context.podDir;

    const process = await startContainerProcess({
      file: host.file,
      args,
      environment,
      workingDirectory,
      logFile,
      terminationMessageFile,
      terminationMessagePolicy: container.terminationMessagePolicy,
    });
    context.track(container.name, process);
    context.logger.info('Container started', { container: container.name, pid: process.pid, bin: host.bin });
    context.events.record(pod, 'Normal', 'Started', `Started container ${container.name}`);
    status.containerID = `planner-local://${process.pid ?? 0}`;
    status.state = { running: { startedAt: process.startedAt } };
    status.started = true;
    status.ready = !isInit;
    if (!isInit) context.markRunning();
    void context.publish();

    const exit = await process.exited;
    context.track(container.name, undefined);
    context.logger.info('Container exited', {
      container: container.name,
      exitCode: exit.exitCode,
      signal: exit.signal,
    });
    status.state = {
      terminated: {
        exitCode: exit.exitCode,
        reason: exit.exitCode === 0 ? 'Completed' : 'Error',
        message: exit.message === '' ? undefined : exit.message,
        startedAt: exit.startedAt,
        finishedAt: exit.finishedAt,
        containerID: status.containerID,
      },
    };
    status.ready = false;
    status.started = false;

    const restart =
      policy === 'Always' ? !isInit || exit.exitCode !== 0 : policy === 'OnFailure' && exit.exitCode !== 0;
    if (!restart || context.signal.aborted) {
      await context.publish();
      return exit.exitCode;
    }

    status.lastState = status.state;
    status.restartCount += 1;
    context.events.record(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${container.name}`);
    status.state = {
      waiting: {
        reason: 'CrashLoopBackOff',
        message: `back-off ${Math.round(backoffMs / 1000)}s restarting failed container=${container.name} pod=${pod.metadata?.name}_${namespace}(${pod.metadata?.uid})`,
      },
    };
    await context.publish();
    if (!(await sleepUnlessAborted(backoffMs, context.signal))) return undefined;
    backoffMs = Math.min(backoffMs * 2, context.restartBackoffMs * 10);
  }
  return undefined;
}

/** Sleeps for ms, ending early when the signal aborts; resolves to false in that case. */
export async function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await delay(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

async function prepareTerminationMessageFile(podDir: string, containerName: string): Promise<string> {
  const folder = join(podDir, 'containers', containerName);
  await mkdir(folder, { recursive: true });
  return join(folder, 'termination-log');
}
