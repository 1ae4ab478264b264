import type { KubeConfig, V1Deployment, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import type { PlannerApp, PlannerAppSpec } from '../../../operator/api/generated.ts';
import { plannerApiVersion, resourceTypes } from '../../../operator/api/resources.ts';
import { createOperator } from '../../../operator/manager.ts';
import { KubeClient } from '../../../operator/runtime/client.ts';
import type { Clock } from '../../../operator/runtime/clock.ts';
import { createLogger } from '../../../operator/runtime/logger.ts';
import type { Manager } from '../../../operator/runtime/manager.ts';
import type { KubeObject } from '../../../operator/runtime/objects.ts';
import type { OperatorSettings } from '../../../operator/settings.ts';
import { eventually as pollUntil } from '../../harness/processes.ts';

/** Options of {@link startTestOperator}. */
export interface TestOperatorOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  clock?: Clock;
  leaderElect?: boolean;
  identity?: string;
}

/**
 * Starts an operator in this process, scoped to one namespace so that test files running in
 * parallel never see each other's objects. Logs go nowhere unless OPERATOR_TEST_LOG names a level.
 */
export async function startTestOperator(options: TestOperatorOptions): Promise<Manager> {
  const settings: OperatorSettings = {
    namespaces: [options.namespace],
    metricsBindAddress: '127.0.0.1:0',
    healthProbeBindAddress: '127.0.0.1:0',
    leaderElect: options.leaderElect ?? false,
    leaderElectionNamespace: options.namespace,
    leaderElectionId: 'planner-operator',
    concurrency: 4,
    logLevel: 'debug',
    logFormat: 'text',
    runnerImage: 'planner:test',
    kubeconfig: undefined,
  };
  const level = process.env.OPERATOR_TEST_LOG;
  const logger = createLogger({ level: level ?? 'info', format: 'text', silent: level === undefined });
  const manager = createOperator(settings, {
    kubeConfig: options.kubeConfig,
    logger: logger.child({ identity: options.identity ?? 'test' }),
    clock: options.clock,
    identity: options.identity,
    leaderElectionTimings: { leaseDurationMs: 4_000, renewDeadlineMs: 3_000, retryPeriodMs: 500 },
  });
  await manager.start();
  return manager;
}

/** Write requests (everything but GET and WATCH) the manager has sent, from its metrics. */
export async function writeRequestCount(manager: Manager): Promise<number> {
  const metric = await manager.metrics.apiRequests.get();
  return metric.values
    .filter((value) => value.labels.verb !== 'GET' && value.labels.verb !== 'WATCH')
    .reduce((sum, value) => sum + value.value, 0);
}

/** A client for the test's own reads and writes. */
export function testClient(kubeConfig: KubeConfig): KubeClient {
  return new KubeClient({ kubeConfig, userAgent: 'planner-tests' });
}

/** Creates a Deployment with one container and the given replicas. */
export function createDeployment(client: KubeClient, namespace: string, name: string, replicas = 1) {
  const labels = { app: name };
  return client.create<V1Deployment>(resourceTypes.deployment, namespace, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'main', image: 'planner:test' }] } },
    },
  });
}

/** Creates a database Secret with a url key. */
export function createDatabaseSecret(client: KubeClient, namespace: string, name: string) {
  return client.create(resourceTypes.secret, namespace, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    stringData: { url: 'postgres://planner:secret@127.0.0.1:5432/planner' },
  } as KubeObject);
}

/** Creates a PlannerApp. */
export function createApp(client: KubeClient, namespace: string, name: string, spec: PlannerAppSpec) {
  return client.create<PlannerApp>(resourceTypes.plannerApp, namespace, {
    apiVersion: plannerApiVersion,
    kind: 'PlannerApp',
    metadata: { name, namespace },
    spec,
  });
}

/** Polls like the harness's `eventually`, with a default timeout shorter than the 30 s jest test timeout. */
export function eventually<T>(
  description: string,
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  return pollUntil(description, read, accept, timeoutMs);
}

/** Reads the app's HPA, or undefined. */
export function readHpa(client: KubeClient, namespace: string, name: string) {
  return client.find<V2HorizontalPodAutoscaler>(resourceTypes.hpa, namespace, name);
}

/** Reads a PlannerApp. */
export function readApp(client: KubeClient, namespace: string, name: string) {
  return client.get<PlannerApp>(resourceTypes.plannerApp, namespace, name);
}
