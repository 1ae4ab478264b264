import type { V1Deployment, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { appFinalizer } from '../../api/constants.ts';
import type { PlannerApp } from '../../api/generated.ts';
import { resourceTypes } from '../../api/resources.ts';
import { parseQuiesceRequest, type QuiesceRequest } from '../../quiesce/request.ts';
import type { CacheReader } from '../../runtime/cache.ts';
import {
  requeueAfter,
  type ControllerDefinition,
  type ReconcileContext,
  type ReconcileResult,
} from '../../runtime/controller.ts';
import type { KubeObject, ObjectKey } from '../../runtime/objects.ts';
import { updateStatusIfChanged } from '../../runtime/writes.ts';
import { actOnApp, scaleDeployment } from './act.ts';
import { handBackReplicas, hpaNameFor } from './desired.ts';
import { observeApp } from './observe.ts';
import { AppReason } from './reasons.ts';
import { SecretChecker } from './secret-check.ts';
import { buildAppStatus, problemEvents } from './status.ts';

/** Re-check interval while the database Secret is bad: Secrets are read, not watched. */
const secretRecheckMs = 60_000;

/**
 * Creates the PlannerApp controller, which keeps an autoscaling/v2 HPA for each app's Deployment within the
 * bounds its schedules set, removes it while paused or when another autoscaler targets the
 * Deployment, carries out quiesce requests, and hands the Deployment back on deletion.
 */
export function createAppController(): ControllerDefinition {
  const secrets = new SecretChecker();
  return {
    name: 'plannerapp',
    for: resourceTypes.plannerApp,
    owns: [resourceTypes.hpa],
    watches: [
      { type: resourceTypes.deployment, map: (object, cache) => appsTargeting(cache, object, object.metadata?.name) },
      {
        type: resourceTypes.hpa,
        map: (object, cache) =>
          appsTargeting(cache, object, (object as V2HorizontalPodAutoscaler).spec?.scaleTargetRef?.name),
      },
    ],
    ignoreStatusUpdates: true,
    reconcile: (request, context) => reconcileApp(request, context, secrets),
  };
}

function appsTargeting(cache: CacheReader, object: KubeObject, deployment: string | undefined): ObjectKey[] {
  const namespace = object.metadata?.namespace ?? '';
  return cache
    .list<PlannerApp>(resourceTypes.plannerApp, namespace)
    .filter((app) => app.spec.workloadRef.name === deployment)
    .map((app) => ({ namespace, name: app.metadata?.name ?? '' }));
}

/** Reconciles one PlannerApp: finalizes it or adds the finalizer, observes, acts, then writes the status. */
async function reconcileApp(
  request: ObjectKey,
  context: ReconcileContext,
  secrets: SecretChecker,
): Promise<ReconcileResult> {
  let app = context.cache.get<PlannerApp>(resourceTypes.plannerApp, request.namespace, request.name);
  if (app === undefined) return undefined;
  if (app.metadata?.deletionTimestamp !== undefined) return finalizeApp(app, context);
  const now = context.clock.now();
  // The finalizer patch and the reads are independent, so they run together; carrying on with the
  // patched object saves waiting for the finalizer's watch event.
  const needsFinalizer = !(app.metadata?.finalizers ?? []).includes(appFinalizer);
  const [current, observed] = await Promise.all([
    needsFinalizer ? addFinalizer(app, context) : app,
    observeApp(app, context, now, secrets),
  ]);
  app = current;
  if (observed.quiesceError !== undefined) {
    await context.events.record(app, 'Warning', AppReason.InvalidQuiesceRequest, observed.quiesceError);
  }
  const actions = await actOnApp(app, observed, context);
  const status = buildAppStatus(app, observed, actions, now);
  await reportTransitions(app, status, context);
  await updateStatusIfChanged(context.client, resourceTypes.plannerApp, app, status);
  return nextRequeue(now, observed.schedules.nextChange, actions.requeueAfterMs, observed.secretProblem !== undefined);
}

function nextRequeue(now: Date, nextChange: Date | undefined, actionMs: number | undefined, recheckSecret: boolean) {
  const delays = [
    nextChange === undefined ? undefined : nextChange.getTime() - now.getTime(),
    actionMs,
    recheckSecret ? secretRecheckMs : undefined,
  ].filter((delay): delay is number => delay !== undefined);
  return delays.length === 0 ? undefined : requeueAfter(Math.min(...delays));
}

async function reportTransitions(
  app: PlannerApp,
  status: NonNullable<PlannerApp['status']>,
  context: ReconcileContext,
) {
  for (const condition of problemEvents(app.status?.conditions, status.conditions ?? [])) {
    context.log.info('App condition changed', { type: condition.type, reason: condition.reason });
    await context.events.record(app, 'Warning', condition.reason, condition.message);
  }
  const before = (app.status?.activeSchedules ?? []).join(',');
  const after = (status.activeSchedules ?? []).join(',');
  if (app.status !== undefined && before !== after) {
    const message = `Replica bounds are now ${status.effectiveMinReplicas} to ${status.effectiveMaxReplicas} (active schedules: ${after || 'none'})`;
    context.log.info('Schedule window changed', { active: after, min: status.effectiveMinReplicas });
    await context.events.record(app, 'Normal', AppReason.ScheduleChanged, message);
  }
  if (
    app.status?.phase !== status.phase &&
    (status.phase === 'Quiescing' || status.phase === 'Restoring' || status.phase === 'Quiesced')
  ) {
    context.log.info('App quiesce phase changed', { phase: status.phase, holder: status.quiesce?.holder });
    await context.events.record(
      app,
      'Normal',
      status.phase,
      `App is ${status.phase.toLowerCase()} for ${status.quiesce?.holder}`,
    );
  }
}

async function addFinalizer(app: PlannerApp, context: ReconcileContext): Promise<PlannerApp> {
  return context.client.patch<PlannerApp>(resourceTypes.plannerApp, app.metadata?.namespace, app.metadata?.name ?? '', {
    metadata: {
      resourceVersion: app.metadata?.resourceVersion,
      finalizers: [...(app.metadata?.finalizers ?? []), appFinalizer],
    },
  });
}

/**
 * Hands the Deployment back and lets the PlannerApp go: deletes the HPA first (so it cannot move
 * the count afterwards), scales the Deployment to the hand-back count, then removes the finalizer.
 */
async function finalizeApp(app: PlannerApp, context: ReconcileContext): Promise<ReconcileResult> {
  const finalizers = app.metadata?.finalizers ?? [];
  if (!finalizers.includes(appFinalizer)) return undefined;
  const namespace = app.metadata?.namespace ?? '';
  await context.client.delete(resourceTypes.hpa, namespace, hpaNameFor(app));
  const deployment = context.cache.get<V1Deployment>(resourceTypes.deployment, namespace, app.spec.workloadRef.name);
  if (deployment !== undefined) {
    let quiesce: QuiesceRequest | undefined;
    try {
      quiesce = parseQuiesceRequest(app);
    } catch {
      quiesce = undefined;
    }
    const replicas = handBackReplicas(app, deployment.spec?.replicas ?? 0, quiesce);
    await scaleDeployment(context, deployment, replicas);
    context.log.info('Workload handed back', { deployment: deployment.metadata?.name, replicas });
    await context.events.record(
      app,
      'Normal',
      AppReason.WorkloadReleased,
      `Deployment ${deployment.metadata?.name} handed back at ${replicas} replicas`,
    );
  }
  await context.client.patch(resourceTypes.plannerApp, namespace, app.metadata?.name ?? '', {
    metadata: {
      resourceVersion: app.metadata?.resourceVersion,
      finalizers: finalizers.filter((item) => item !== appFinalizer),
    },
  });
  return undefined;
}
