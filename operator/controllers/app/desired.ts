import { createHash } from 'node:crypto';
import type { V1LabelSelector, V1Secret, V2HorizontalPodAutoscaler, V2MetricSpec } from '@kubernetes/client-node';
import { appLabel, managedByLabel, managedByValue } from '../../api/constants.ts';
import type { PlannerApp } from '../../api/generated.ts';
import { plannerGroup } from '../../api/resources.ts';
import type { QuiesceRequest } from '../../quiesce/request.ts';
import { resumeReplicas } from '../../quiesce/request.ts';
import { controllerReference } from '../../runtime/writes.ts';

/** Annotation on the HPA holding a hash of the spec the operator applied, to notice removed fields. */
export const specHashAnnotation = `${plannerGroup}/spec-hash`;

/** Name of the HPA the operator owns for an app: the app's own name. */
export function hpaNameFor(app: PlannerApp): string {
  return app.metadata?.name ?? '';
}

/** Builds the autoscaling/v2 HorizontalPodAutoscaler that an app's spec requests, with the given bounds. */
export function desiredHpa(app: PlannerApp, bounds: { min: number; max: number }): V2HorizontalPodAutoscaler {
  const { replicas, workloadRef } = app.spec;
  const metrics: V2MetricSpec[] = [
    resourceMetric('cpu', replicas.targetCPUUtilizationPercentage ?? 80),
    ...(replicas.targetMemoryUtilizationPercentage === undefined
      ? []
      : [resourceMetric('memory', replicas.targetMemoryUtilizationPercentage)]),
  ];
  const spec = {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: workloadRef.name },
    minReplicas: bounds.min,
    maxReplicas: bounds.max,
    metrics,
    ...(replicas.behavior === undefined ? {} : { behavior: replicas.behavior }),
  };
  const name = app.metadata?.name ?? '';
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: {
      name: hpaNameFor(app),
      namespace: app.metadata?.namespace,
      labels: { [appLabel]: name, [managedByLabel]: managedByValue },
      annotations: { [specHashAnnotation]: hashOf(spec) },
      ownerReferences: [controllerReference(app)],
    },
    spec: spec as V2HorizontalPodAutoscaler['spec'],
  };
}

function resourceMetric(name: 'cpu' | 'memory', percent: number): V2MetricSpec {
  return { type: 'Resource', resource: { name, target: { type: 'Utilization', averageUtilization: percent } } };
}

function hashOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

/**
 * HPAs other than the app's own that target the app's Deployment. Two autoscalers on one target
 * fight (the HPA controller marks both AmbiguousSelector), so the operator leaves the Deployment to the other one.
 */
export function conflictingHpas(app: PlannerApp, hpas: readonly V2HorizontalPodAutoscaler[]) {
  const uid = app.metadata?.uid;
  return hpas.filter((hpa) => {
    const target = hpa.spec?.scaleTargetRef;
    const ours = hpa.metadata?.ownerReferences?.some((ref) => ref.controller === true && ref.uid === uid) ?? false;
    return !ours && target?.kind === 'Deployment' && target.name === app.spec.workloadRef.name;
  });
}

const connectionKeys = ['host', 'port', 'database', 'username', 'password'];

/** Describes what is wrong with a database Secret; returns undefined when it has url or every connection key. */
export function secretProblem(secret: V1Secret): string | undefined {
  const data = { ...secret.data, ...secret.stringData };
  if (data.url !== undefined && data.url !== '') return undefined;
  const missing = connectionKeys.filter((key) => data[key] === undefined || data[key] === '');
  if (missing.length === 0) return undefined;
  return `Secret ${secret.metadata?.name} has no url key and lacks ${missing.join(', ')}`;
}

/**
 * Replica count the Deployment is handed back at when the PlannerApp is deleted: spec.deletion.replicas
 * when set; otherwise the count saved by a quiesce in progress, or the current count, and never
 * zero unless spec.deletion.replicas requests it (an app at zero comes back at replicas.min).
 */
export function handBackReplicas(app: PlannerApp, currentReplicas: number, quiesce: QuiesceRequest | undefined) {
  const chosen = app.spec.deletion?.replicas;
  if (chosen !== undefined) return chosen;
  const min = app.spec.replicas.min;
  if (quiesce !== undefined) return resumeReplicas(quiesce.savedReplicas, min, Math.max(app.spec.replicas.max, min));
  return currentReplicas > 0 ? currentReplicas : min;
}

/** Renders a label selector in the query-string form the API server accepts. */
export function selectorString(selector: V1LabelSelector | undefined): string {
  const parts = Object.entries(selector?.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`);
  for (const expression of selector?.matchExpressions ?? []) {
    const values = (expression.values ?? []).join(',');
    if (expression.operator === 'In') parts.push(`${expression.key} in (${values})`);
    else if (expression.operator === 'NotIn') parts.push(`${expression.key} notin (${values})`);
    else if (expression.operator === 'Exists') parts.push(expression.key);
    else if (expression.operator === 'DoesNotExist') parts.push(`!${expression.key}`);
  }
  return parts.join(',');
}
