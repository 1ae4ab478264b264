import type { Condition, PlannerApp, PlannerAppStatus } from '../../api/generated.ts';
import { setCondition, type ConditionInput } from '../../runtime/conditions.ts';
import type { AppActions } from './act.ts';
import type { AppObservation } from './observe.ts';
import { AppCondition, AppReason } from './reasons.ts';

/** The status an app should have after a reconcile; a pure function of what was observed and done. */
export function buildAppStatus(app: PlannerApp, observed: AppObservation, actions: AppActions, now: Date) {
  const generation = app.metadata?.generation;
  let conditions: Condition[] = app.status?.conditions ?? [];
  for (const input of conditionInputs(app, observed, actions)) {
    conditions = setCondition(conditions, input, generation, now);
  }
  const { schedules, deployment } = observed;
  const status: PlannerAppStatus = {
    observedGeneration: generation,
    phase: phaseOf(app, observed, actions),
    hpaName: actions.hpaPresent ? app.metadata?.name : undefined,
    effectiveMinReplicas: schedules.effectiveMin,
    effectiveMaxReplicas: schedules.effectiveMax,
    currentReplicas: deployment === undefined ? undefined : (deployment.status?.replicas ?? 0),
    activeSchedules: schedules.active.length > 0 ? schedules.active : undefined,
    nextScheduleChangeTime: schedules.nextChange?.toISOString(),
    quiesce: quiesceStatus(actions),
    conditions,
  };
  return status;
}

function quiesceStatus(actions: AppActions): PlannerAppStatus['quiesce'] {
  const request = actions.quiesce;
  if (request === undefined) return undefined;
  return {
    holder: request.holder,
    purpose: request.purpose,
    savedReplicas: request.savedReplicas,
    savedMinReplicas: request.savedMinReplicas,
    savedMaxReplicas: request.savedMaxReplicas,
    requestTime: request.requestTime,
    quiescedTime: actions.quiescedTime,
  };
}

function phaseOf(app: PlannerApp, observed: AppObservation, actions: AppActions): PlannerAppStatus['phase'] {
  if (actions.quiesce !== undefined) {
    if (actions.quiescedTime === undefined) return 'Quiescing';
    return actions.quiesce.purpose === 'Restore' ? 'Restoring' : 'Quiesced';
  }
  if (app.spec.paused === true) return 'Paused';
  const degraded =
    observed.deployment === undefined ||
    observed.conflicts.length > 0 ||
    observed.secretProblem !== undefined ||
    observed.schedules.invalid.length > 0;
  return degraded ? 'Degraded' : 'Active';
}

function conditionInputs(app: PlannerApp, observed: AppObservation, actions: AppActions): ConditionInput[] {
  const workload = app.spec.workloadRef.name;
  const { secretProblem, schedules, conflicts } = observed;
  return [
    observed.deployment === undefined
      ? {
          type: AppCondition.WorkloadAvailable,
          status: 'False',
          reason: AppReason.WorkloadNotFound,
          message: `Deployment ${workload} does not exist`,
        }
      : {
          type: AppCondition.WorkloadAvailable,
          status: 'True',
          reason: AppReason.WorkloadFound,
          message: `Deployment ${workload} exists`,
        },
    secretProblem === undefined
      ? {
          type: AppCondition.DatabaseSecretValid,
          status: 'True',
          reason: AppReason.SecretValid,
          message: `Secret ${app.spec.database.secretRef.name} has the connection keys`,
        }
      : {
          type: AppCondition.DatabaseSecretValid,
          status: 'False',
          reason: secretProblem.reason,
          message: secretProblem.message,
        },
    schedules.invalid.length === 0
      ? {
          type: AppCondition.SchedulesValid,
          status: 'True',
          reason: AppReason.SchedulesValid,
          message: 'All schedules are valid',
        }
      : {
          type: AppCondition.SchedulesValid,
          status: 'False',
          reason: AppReason.InvalidSchedule,
          message: schedules.invalid.map((item) => `schedule ${item.name}: ${item.message}`).join('; '),
        },
    conflicts.length === 0
      ? {
          type: AppCondition.AutoscalerConflict,
          status: 'False',
          reason: AppReason.NoConflict,
          message: `No other autoscaler targets Deployment ${workload}`,
        }
      : {
          type: AppCondition.AutoscalerConflict,
          status: 'True',
          reason: AppReason.AnotherAutoscaler,
          message: `HorizontalPodAutoscaler ${conflicts.join(', ')} already targets Deployment ${workload}; the operator leaves scaling to it`,
        },
    readyCondition(app, observed, actions),
  ];
}

function readyCondition(app: PlannerApp, observed: AppObservation, actions: AppActions): ConditionInput {
  const ready = (reason: string, message: string): ConditionInput => ({
    type: AppCondition.Ready,
    status: 'True',
    reason,
    message,
  });
  if (actions.quiesce !== undefined) {
    return actions.quiescedTime === undefined
      ? {
          type: AppCondition.Ready,
          status: 'False',
          reason: AppReason.Quiescing,
          message: `Scaling to zero for ${actions.quiesce.holder}`,
        }
      : ready(AppReason.Quiesced, `Held at zero replicas for ${actions.quiesce.holder}`);
  }
  if (app.spec.paused === true) return ready(AppReason.Paused, 'Autoscaling is paused; replicas are left as they are');
  const blocker = firstProblem(observed);
  if (blocker !== undefined) return { type: AppCondition.Ready, status: 'False', ...blocker };
  const { effectiveMin, effectiveMax } = observed.schedules;
  return ready(AppReason.Reconciled, `HorizontalPodAutoscaler keeps ${effectiveMin} to ${effectiveMax} replicas`);
}

function firstProblem(observed: AppObservation): { reason: string; message: string } | undefined {
  if (observed.deployment === undefined)
    return { reason: AppReason.WorkloadNotFound, message: 'The Deployment does not exist' };
  if (observed.conflicts.length > 0)
    return { reason: AppReason.AnotherAutoscaler, message: 'Another autoscaler targets the Deployment' };
  if (observed.secretProblem !== undefined)
    return { reason: observed.secretProblem.reason, message: observed.secretProblem.message };
  if (observed.schedules.invalid.length > 0)
    return { reason: AppReason.InvalidSchedule, message: 'A schedule is invalid; see SchedulesValid' };
  return undefined;
}

/** Returns the conditions that turned bad since the previous status, each to be reported as a Warning Event. */
export function problemEvents(previous: readonly Condition[] | undefined, next: readonly Condition[]) {
  const badWhenTrue = new Set<string>([AppCondition.AutoscalerConflict]);
  return next.filter((condition) => {
    if (condition.type === AppCondition.Ready) return false;
    const bad = badWhenTrue.has(condition.type) ? condition.status === 'True' : condition.status === 'False';
    const before = previous?.find((item) => item.type === condition.type);
    return (
      bad &&
      (before?.status !== condition.status ||
        before.reason !== condition.reason ||
        before.message !== condition.message)
    );
  });
}
