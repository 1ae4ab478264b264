import type { V1Deployment, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import type { PlannerApp } from '../../api/generated.ts';
import { resourceTypes } from '../../api/resources.ts';
import { parseQuiesceRequest, type QuiesceRequest } from '../../quiesce/request.ts';
import type { ReconcileContext } from '../../runtime/controller.ts';
import { describeError } from '../../runtime/errors.ts';
import { isControlledBy } from '../../runtime/writes.ts';
import { conflictingHpas, hpaNameFor } from './desired.ts';
import { evaluateSchedules, type ScheduleEvaluation } from './schedule.ts';
import type { SecretChecker, SecretProblem } from './secret-check.ts';

/** Everything the PlannerApp controller reads before deciding what to do. */
export interface AppObservation {
  deployment: V1Deployment | undefined;
  /** The operator's own HPA for the app, if it exists and the app controls it. */
  hpa: V2HorizontalPodAutoscaler | undefined;
  /** Names of other HPAs targeting the Deployment. */
  conflicts: string[];
  /** Problem with the database Secret, if any. */
  secretProblem: SecretProblem;
  schedules: ScheduleEvaluation;
  quiesce: QuiesceRequest | undefined;
  /** Reason the quiesce annotation was ignored, when it is malformed. */
  quiesceError: string | undefined;
}

/**
 * Reads the app's Deployment and HPAs from the cache, checks its database Secret through secrets,
 * and evaluates the schedules at now.
 */
export async function observeApp(
  app: PlannerApp,
  context: ReconcileContext,
  now: Date,
  secrets: SecretChecker,
): Promise<AppObservation> {
  const namespace = app.metadata?.namespace ?? '';
  const { cache } = context;
  const deployment = cache.get<V1Deployment>(resourceTypes.deployment, namespace, app.spec.workloadRef.name);
  const own = cache.get<V2HorizontalPodAutoscaler>(resourceTypes.hpa, namespace, hpaNameFor(app));
  const hpas = cache.list<V2HorizontalPodAutoscaler>(resourceTypes.hpa, namespace);
  let quiesce: QuiesceRequest | undefined;
  let quiesceError: string | undefined;
  try {
    quiesce = parseQuiesceRequest(app);
  } catch (error) {
    quiesceError = describeError(error);
  }
  return {
    deployment,
    hpa: own !== undefined && isControlledBy(own, app) ? own : undefined,
    conflicts: conflictingHpas(app, hpas).map((hpa) => hpa.metadata?.name ?? ''),
    secretProblem: await secrets.check(app, context),
    schedules: evaluateSchedules(app.spec.schedules ?? [], app.spec.replicas, now),
    quiesce,
    quiesceError,
  };
}
