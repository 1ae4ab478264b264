import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { resourceTypes } from '../../api/resources.ts';
import { isAlreadyExists } from '../../runtime/errors.ts';
import { interpretRunnerResult, type RunnerOutcome } from './decide.ts';
import { buildRunnerJob, type RunnerJobInput } from './job.ts';
import type { RestoreStep } from './state.ts';

/** Where a runner Job stands: not finished yet, or finished with the runner's outcome. */
export type JobProgress = { finished: false } | { finished: true; outcome: RunnerOutcome };

/**
 * Creates the step's Job unless it exists (its name is fixed per restore and step, so a restarted
 * operator finds the Job it created before), and reads its outcome once it has finished.
 */
export async function runRunnerJob(step: RestoreStep, input: RunnerJobInput): Promise<JobProgress> {
  const desired = buildRunnerJob(input);
  const namespace = desired.metadata?.namespace ?? '';
  const name = desired.metadata?.name ?? '';
  step.status.jobName = name;
  // Read from the API server rather than the cache, so that a Job created a moment ago is never created twice.
  let job = await step.context.client.find<V1Job>(resourceTypes.job, namespace, name);
  if (job === undefined) {
    try {
      job = await step.context.client.create<V1Job>(resourceTypes.job, namespace, desired);
      step.context.log.info('Runner job created', { job: name, step: input.step, backupId: input.backupId });
    } catch (error) {
      if (!isAlreadyExists(error)) throw new Error(`while creating Job ${name}`, { cause: error });
      return { finished: false };
    }
  }
  const finished = finishedCondition(job);
  if (finished === undefined) return { finished: false };
  const terminated = await readTermination(step, namespace, name);
  const outcome = interpretRunnerResult(input.step, input.backupId, terminated?.exitCode, terminated?.message);
  if (!outcome.succeeded && terminated === undefined && finished.type === 'Failed') {
    outcome.message =
      `${outcome.message} (Job ${name}: ${finished.reason ?? 'Failed'} ${finished.message ?? ''})`.trim();
  }
  if (finished.type === 'Complete' && !outcome.succeeded && terminated?.exitCode === 0) {
    step.context.log.warn('Runner job completed without a readable result', { job: name });
  }
  return { finished: true, outcome };
}

function finishedCondition(job: V1Job) {
  return job.status?.conditions?.find(
    (condition) => (condition.type === 'Complete' || condition.type === 'Failed') && condition.status === 'True',
  );
}

/** The runner container's exit code and termination message, from the Job's newest terminated pod. */
async function readTermination(step: RestoreStep, namespace: string, job: string) {
  const pods = await step.context.client.list<V1Pod>(resourceTypes.pod, namespace, {
    labelSelector: `job-name=${job}`,
  });
  const terminated = pods.items
    .map((pod) => ({
      created: new Date(pod.metadata?.creationTimestamp ?? 0).getTime(),
      state: pod.status?.containerStatuses?.find((status) => status.name === 'runner')?.state?.terminated,
    }))
    .filter((item) => item.state !== undefined)
    .sort((a, b) => b.created - a.created)[0];
  return terminated?.state;
}
