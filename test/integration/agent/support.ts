import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BatchV1Api, CoreV1Api } from '@kubernetes/client-node';
import { type KubeConfig, type V1Container, type V1Job, type V1Pod } from '@kubernetes/client-node';
import { startNodeAgent, type NodeAgent } from '../../agent/agent.ts';
import { waitFor } from '../../harness/processes.ts';

/** Root of this checkout. */
export const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The fake program that these tests run in place of planner-backup. */
export const fakeProgram = 'test/agent/fixtures/fake-program.ts';

/** Starts an agent for one test file, watching only its namespace, with its own work folder. */
export async function startTestAgent(
  kubeConfig: KubeConfig,
  namespace: string,
): Promise<{ agent: NodeAgent; workDir: string; stop(): Promise<void> }> {
  const workDir = await mkdtemp(join(tmpdir(), 'planner-agent-'));
  const agent = await startNodeAgent({
    kubeConfig,
    repositoryRoot,
    workDir,
    nodeName: `agent-${namespace}`,
    namespaces: [namespace],
    runFromSource: true,
    bins: { 'planner-backup': fakeProgram },
    restartBackoffMs: 200,
    configRetryMs: 300,
  });
  return {
    agent,
    workDir,
    async stop() {
      await agent.stop();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

/** Builds a Job of one container named `runner` with the given command and arguments. */
export function buildJob(name: string, container: Partial<V1Container>, spec: Partial<V1Job['spec']> = {}): V1Job {
  return {
    metadata: { name },
    spec: {
      backoffLimit: 0,
      ...spec,
      template: {
        spec: {
          restartPolicy: 'Never',
          ...spec?.template?.spec,
          containers: [{ name: 'runner', image: 'planner:test', ...container }],
        },
      },
    },
  };
}

/** Waits until the Job has the condition (Complete or Failed) set to True, and returns the Job. */
export async function waitForJobCondition(
  batch: BatchV1Api,
  namespace: string,
  name: string,
  type: 'Complete' | 'Failed',
  timeoutMs = 30_000,
): Promise<V1Job> {
  let seen = 'none';
  try {
    return await waitFor(
      async () => {
        const job = await batch.readNamespacedJob({ name, namespace });
        const conditions = job.status?.conditions ?? [];
        seen = conditions.map((condition) => `${condition.type}=${condition.status}`).join(', ') || 'none';
        return conditions.some((condition) => condition.type === type && condition.status === 'True') ? job : undefined;
      },
      { description: `Job ${name} to be ${type}`, timeoutMs, intervalMs: 200 },
    );
  } catch (error) {
    throw new Error(`Job ${name} did not become ${type}; its conditions were: ${seen}`, { cause: error });
  }
}

/** Returns the pods of a Job, oldest first. */
export async function listJobPods(core: CoreV1Api, namespace: string, jobName: string): Promise<V1Pod[]> {
  const list = await core.listNamespacedPod({ namespace, labelSelector: `job-name=${jobName}` });
  return list.items.sort(
    (a, b) =>
      new Date(a.metadata?.creationTimestamp ?? 0).getTime() - new Date(b.metadata?.creationTimestamp ?? 0).getTime(),
  );
}

/** Waits until `check` accepts the pod, and returns it; the error shows the last phase seen. */
export async function waitForPod(
  core: CoreV1Api,
  namespace: string,
  name: string,
  description: string,
  check: (pod: V1Pod) => boolean,
  timeoutMs = 20_000,
): Promise<V1Pod> {
  let lastPhase = 'unknown';
  try {
    return await waitFor(
      async () => {
        const pod = await core.readNamespacedPod({ name, namespace });
        lastPhase = pod.status?.phase ?? 'none';
        return check(pod) ? pod : undefined;
      },
      { description: `pod ${name} ${description}`, timeoutMs, intervalMs: 200 },
    );
  } catch (error) {
    throw new Error(`pod ${name} never became ${description}; last phase ${lastPhase}`, { cause: error });
  }
}
