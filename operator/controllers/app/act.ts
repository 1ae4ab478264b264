import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import { quiesceAnnotation } from '../../api/constants.ts';
import type { PlannerApp } from '../../api/generated.ts';
import { resourceTypes } from '../../api/resources.ts';
import { resumeReplicas, type QuiesceRequest } from '../../quiesce/request.ts';
import type { ReconcileContext } from '../../runtime/controller.ts';
import { applyIfChanged, isSubset } from '../../runtime/writes.ts';
import { desiredHpa, selectorString, specHashAnnotation } from './desired.ts';
import type { AppObservation } from './observe.ts';
import { AppReason } from './reasons.ts';

/** Outcome of one reconcile's actions, used for the status and the requeue. */
export interface AppActions {
  hpaPresent: boolean;
  /** Set while a quiesce waits for pods to go. */
  requeueAfterMs?: number;
  /** When the last pod was seen gone, for a quiesce in progress. */
  quiescedTime?: string;
  /** The quiesce request in force after this reconcile (a released one is gone). */
  quiesce: QuiesceRequest | undefined;
}

/** Re-check interval while waiting for pods to terminate; pods are not watched. */
const podPollMs = 2_000;

/**
 * Makes the HPA and the Deployment match the app: quiesce first (it overrides everything), then
 * pause, conflict and a missing workload, which all leave the operator's HPA out, then the HPA.
 */
export async function actOnApp(app: PlannerApp, observed: AppObservation, context: ReconcileContext) {
  let quiesce = observed.quiesce;
  if (quiesce !== undefined && quiesce.release !== true) return holdQuiesced(app, observed, quiesce, context);
  if (quiesce !== undefined) {
    await resumeFromQuiesce(app, observed, quiesce, context);
    quiesce = undefined;
  }
  const standAside = app.spec.paused === true || observed.conflicts.length > 0;
  if (standAside || observed.deployment === undefined) {
    if (standAside && observed.hpa !== undefined) await removeHpa(app, context);
    return { hpaPresent: !standAside && observed.hpa !== undefined, quiesce } satisfies AppActions;
  }
  await ensureHpa(app, observed, context);
  return { hpaPresent: true, quiesce } satisfies AppActions;
}

async function ensureHpa(app: PlannerApp, observed: AppObservation, context: ReconcileContext): Promise<void> {
  const { effectiveMin, effectiveMax } = observed.schedules;
  const desired = desiredHpa(app, { min: effectiveMin, max: effectiveMax });
  const current = observed.hpa;
  const sameHash =
    current?.metadata?.annotations?.[specHashAnnotation] === desired.metadata?.annotations?.[specHashAnnotation];
  // A hash match alone misses hand edits of the HPA, and a subset match alone misses fields removed from the spec.
  if (current !== undefined && sameHash && isSubset(desired.spec, current.spec)) return;
  const { changed } = await applyIfChanged(context.client, resourceTypes.hpa, desired, undefined);
  if (changed && current === undefined) {
    context.log.info('HorizontalPodAutoscaler created', { min: effectiveMin, max: effectiveMax });
    await context.events.record(
      app,
      'Normal',
      AppReason.AutoscalerApplied,
      `Created HorizontalPodAutoscaler ${desired.metadata?.name} with ${effectiveMin} to ${effectiveMax} replicas`,
    );
  } else {
    context.log.info('HorizontalPodAutoscaler updated', { min: effectiveMin, max: effectiveMax });
  }
}

async function removeHpa(app: PlannerApp, context: ReconcileContext): Promise<void> {
  const name = app.metadata?.name ?? '';
  const uid = context.cache.get(resourceTypes.hpa, app.metadata?.namespace ?? '', name)?.metadata?.uid;
  if (await context.client.delete(resourceTypes.hpa, app.metadata?.namespace, name, { uid })) {
    const why = app.spec.paused === true ? 'the app is paused' : 'another autoscaler targets the Deployment';
    context.log.info('HorizontalPodAutoscaler deleted', { why });
    await context.events.record(
      app,
      'Normal',
      AppReason.AutoscalerRemoved,
      `Deleted HorizontalPodAutoscaler ${name} because ${why}`,
    );
  }
}

/** Sets the Deployment's replicas through the scale subresource, leaving the rest of its spec alone. */
export async function scaleDeployment(context: ReconcileContext, deployment: V1Deployment, replicas: number) {
  if (deployment.spec?.replicas === replicas) return;
  const { namespace, name } = deployment.metadata ?? {};
  await context.client.patch(resourceTypes.deployment, namespace, name ?? '', { spec: { replicas } }, 'scale');
  context.log.info('Deployment scaled', { deployment: name, replicas });
}

async function holdQuiesced(
  app: PlannerApp,
  observed: AppObservation,
  quiesce: QuiesceRequest,
  context: ReconcileContext,
): Promise<AppActions> {
  const deployment = observed.deployment;
  const base = { hpaPresent: observed.hpa !== undefined, quiesce };
  // The HPA stays: the HPA controller does not scale a target whose replica count is zero.
  if (deployment === undefined) return { ...base, quiescedTime: priorQuiescedTime(app, quiesce, context) };
  await scaleDeployment(context, deployment, 0);
  const pods = await context.client.list<V1Pod>(resourceTypes.pod, deployment.metadata?.namespace, {
    labelSelector: selectorString(deployment.spec?.selector),
  });
  if (pods.items.length > 0) return { ...base, requeueAfterMs: podPollMs };
  return { ...base, quiescedTime: priorQuiescedTime(app, quiesce, context) };
}

function priorQuiescedTime(app: PlannerApp, quiesce: QuiesceRequest, context: ReconcileContext): string {
  const status = app.status?.quiesce;
  if (status?.holder === quiesce.holder && status.quiescedTime !== undefined) return status.quiescedTime;
  return context.clock.now().toISOString();
}

async function resumeFromQuiesce(
  app: PlannerApp,
  observed: AppObservation,
  quiesce: QuiesceRequest,
  context: ReconcileContext,
): Promise<void> {
  const { effectiveMin, effectiveMax } = observed.schedules;
  const replicas = resumeReplicas(quiesce.savedReplicas, effectiveMin, effectiveMax);
  // Only a Deployment still at zero is scaled: one someone scaled meanwhile keeps that count.
  if (observed.deployment?.spec?.replicas === 0) await scaleDeployment(context, observed.deployment, replicas);
  const text = app.metadata?.annotations?.[quiesceAnnotation];
  const path = `/metadata/annotations/${quiesceAnnotation.replace('/', '~1')}`;
  // The test operation makes the removal fail if the holder rewrote the request meanwhile.
  await context.client.patch(resourceTypes.plannerApp, app.metadata?.namespace, app.metadata?.name ?? '', [
    { op: 'test', path, value: text },
    { op: 'remove', path },
  ]);
  context.log.info('Quiesce released; app resumed', { holder: quiesce.holder, replicas });
  await context.events.record(
    app,
    'Normal',
    AppReason.Resumed,
    `Resumed at ${replicas} replicas after ${quiesce.holder} released the app`,
  );
}
