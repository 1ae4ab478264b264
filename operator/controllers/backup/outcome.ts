import type { V1Job, V1Pod } from '@kubernetes/client-node';

/** How a runner Job ended, as read from the Job and the termination message of its pods. */
export interface JobOutcome {
  succeeded: boolean;
  /** The runner's result document when a pod wrote one; undefined when the pod was killed or vanished. */
  result: Record<string, unknown> | undefined;
  /** Why the run failed, in one sentence; undefined on success. */
  message: string | undefined;
}

function jobCondition(job: V1Job, type: 'Complete' | 'Failed') {
  return job.status?.conditions?.find((condition) => condition.type === type && condition.status === 'True');
}

/** Whether the Job controller has finished the Job (condition Complete or Failed). */
export function isJobFinished(job: V1Job): boolean {
  return jobCondition(job, 'Complete') !== undefined || jobCondition(job, 'Failed') !== undefined;
}

/** Parses a termination message as a runner result; undefined when it is absent or not a JSON object. */
export function parseRunnerResult(message: string | undefined): Record<string, unknown> | undefined {
  if (message === undefined || message.trim() === '') return undefined;
  try {
    const value: unknown = JSON.parse(message);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function terminatedState(pod: V1Pod) {
  return pod.status?.containerStatuses?.find((status) => status.name === 'runner')?.state?.terminated;
}

/** The newest pod that has a terminated runner container, preferring one that exited 0. */
function resultPod(pods: readonly V1Pod[]): V1Pod | undefined {
  const finished = pods
    .filter((pod) => terminatedState(pod) !== undefined)
    .sort((a, b) =>
      String(b.metadata?.creationTimestamp ?? '').localeCompare(String(a.metadata?.creationTimestamp ?? '')),
    );
  return finished.find((pod) => terminatedState(pod)?.exitCode === 0) ?? finished[0];
}

/**
 * Reads the outcome of a finished runner Job. A run succeeds only when the Job completed and the
 * runner's result reports Succeeded for the expected command. A completed Job without a readable
 * result is a failure, because the runner writes its result only after it verified the dump.
 */
export function readJobOutcome(job: V1Job, pods: readonly V1Pod[], command: string): JobOutcome {
  const pod = resultPod(pods);
  const terminated = pod === undefined ? undefined : terminatedState(pod);
  const result = parseRunnerResult(terminated?.message);
  const completed = jobCondition(job, 'Complete') !== undefined;
  if (completed && result?.status === 'Succeeded' && result.command === command) {
    return { succeeded: true, result, message: undefined };
  }
  return { succeeded: false, result, message: failureMessage(job, result, terminated?.exitCode, completed) };
}

function failureMessage(
  job: V1Job,
  result: Record<string, unknown> | undefined,
  exitCode: number | undefined,
  completed: boolean,
): string {
  if (result !== undefined && result.status === 'Failed') {
    const reason = typeof result.reason === 'string' ? `${result.reason}: ` : '';
    const message = typeof result.message === 'string' ? result.message : 'the runner reported a failure';
    const hint = typeof result.hint === 'string' ? ` (${result.hint})` : '';
    return `${reason}${message}${hint}`;
  }
  if (completed) return 'the Job completed but the runner left no result that says the backup was verified';
  const failed = jobCondition(job, 'Failed');
  const exit = exitCode === undefined ? 'no pod reported an exit code' : `the runner exited with code ${exitCode}`;
  const jobReason = failed?.reason === undefined ? '' : `Job failed (${failed.reason}: ${failed.message ?? ''}); `;
  return `${jobReason}${exit} and wrote no readable result`;
}
