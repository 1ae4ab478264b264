import type { PlannerRestore, PlannerRestoreStatus } from '../../api/generated.ts';
import type { ReconcileContext } from '../../runtime/controller.ts';
import { setCondition, type ConditionInput } from '../../runtime/conditions.ts';
import type { EventType } from '../../runtime/events.ts';
import { isConditionTrue } from '../../runtime/conditions.ts';
import { nextPhase, type RestorePhase } from './decide.ts';
import { RestoreCondition } from './reasons.ts';

/** Settings of the restore controller taken from the operator's settings. */
export interface RestoreControllerSettings {
  /** Image of the runner Jobs when spec.job.image is unset (the operator's --runner-image). */
  runnerImage: string | undefined;
}

/**
 * One reconcile's view of a restore: the object as read, the status being built (written once at
 * the end, conditional on the object's resourceVersion), and the tools to act.
 */
export interface RestoreStep {
  readonly restore: PlannerRestore;
  readonly status: PlannerRestoreStatus;
  readonly context: ReconcileContext;
  readonly settings: RestoreControllerSettings;
  readonly now: Date;
}

/** Ends a step: undefined waits for the next watched change, a number also polls after that many ms. */
export type StepResult = number | undefined;

/** Sets a condition on the status being built. */
export function setRestoreCondition(step: RestoreStep, input: ConditionInput): void {
  step.status.conditions = setCondition(step.status.conditions, input, step.restore.metadata?.generation, step.now);
}

/** Moves to the next phase after `from`, with a message for status. */
export function advance(step: RestoreStep, from: RestorePhase, message: string): void {
  step.status.phase = nextPhase(from, step.restore.spec);
  step.status.message = message;
  delete step.status.jobName;
  step.context.log.info('Restore phase changed', { from, to: step.status.phase });
}

/**
 * Records a failure. Once the restore holds the app's lock it moves to Resuming, which brings the
 * app back and releases the lock before the phase becomes Failed; before that it fails at once.
 */
export function markFailed(step: RestoreStep, reason: string, message: string): void {
  setRestoreCondition(step, { type: RestoreCondition.Failed, status: 'True', reason, message });
  step.status.message = `Restore failed: ${message}`;
  delete step.status.jobName;
  const from = step.status.phase;
  if (isConditionTrue(step.status.conditions, RestoreCondition.AppLocked)) {
    step.status.phase = 'Resuming';
  } else {
    step.status.phase = 'Failed';
    step.status.completionTime = step.now.toISOString();
  }
  step.context.log.info('Restore failed', { from, to: step.status.phase, reason, detail: message });
}

/** Records an Event on the PlannerRestore; Events are best effort. */
export function recordEvent(step: RestoreStep, type: EventType, reason: string, message: string): Promise<void> {
  return step.context.events.record(step.restore, type, reason, message);
}

/** Whether the status being built records a failure. */
export function hasFailed(step: RestoreStep): boolean {
  return isConditionTrue(step.status.conditions, RestoreCondition.Failed);
}
