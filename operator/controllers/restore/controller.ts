import type { PlannerRestore, PlannerRestoreStatus } from '../../api/generated.ts';
import { resourceTypes } from '../../api/resources.ts';
import type { CacheReader } from '../../runtime/cache.ts';
import {
  requeueAfter,
  type ControllerDefinition,
  type ReconcileContext,
  type ReconcileResult,
} from '../../runtime/controller.ts';
import type { KubeObject, ObjectKey } from '../../runtime/objects.ts';
import { updateStatusIfChanged } from '../../runtime/writes.ts';
import { isFinalPhase } from './decide.ts';
import { runPending } from './prepare.ts';
import { RestoreReason } from './reasons.ts';
import { runQuiescing, runResuming, runRestoring } from './run.ts';
import { runSafetyBackup } from './safety.ts';
import { recordEvent, type RestoreControllerSettings, type RestoreStep, type StepResult } from './state.ts';

/**
 * The PlannerRestore controller. A restore walks Pending (resolve the backup, take the app's lock,
 * verify the dump), Quiescing, SafetyBackup, Restoring and Resuming, then ends in Succeeded or
 * Failed. Every phase keeps its progress in status and in objects with fixed names (Jobs, the
 * safety PlannerBackup, the lock and quiesce holder `restore/<name>`), so an operator restart
 * carries on where it stopped.
 */
export function createRestoreController(settings: RestoreControllerSettings): ControllerDefinition {
  return {
    name: 'plannerrestore',
    for: resourceTypes.plannerRestore,
    owns: [resourceTypes.job],
    watches: [
      {
        type: resourceTypes.plannerApp,
        map: (object, cache) => activeRestores(cache, object, (restore, name) => restore.spec.appRef.name === name),
      },
      {
        type: resourceTypes.plannerBackup,
        map: (object, cache) =>
          activeRestores(
            cache,
            object,
            (restore, name) =>
              restore.spec.source.backupRef?.name === name || `${restore.metadata?.name}-safety` === name,
          ),
      },
    ],
    reconcile: (request, context) => reconcileRestore(request, context, settings),
  };
}

function activeRestores(
  cache: CacheReader,
  object: KubeObject,
  matches: (restore: PlannerRestore, name: string) => boolean,
): ObjectKey[] {
  const namespace = object.metadata?.namespace ?? '';
  const name = object.metadata?.name ?? '';
  return cache
    .list<PlannerRestore>(resourceTypes.plannerRestore, namespace)
    .filter((restore) => !isFinalPhase(restore.status?.phase) && matches(restore, name))
    .map((restore) => ({ namespace, name: restore.metadata?.name ?? '' }));
}

/** One reconcile of a PlannerRestore: run the step of its phase, then write status once. */
export async function reconcileRestore(
  request: ObjectKey,
  context: ReconcileContext,
  settings: RestoreControllerSettings,
): Promise<ReconcileResult> {
  const restore = context.cache.get<PlannerRestore>(resourceTypes.plannerRestore, request.namespace, request.name);
  if (restore === undefined || isFinalPhase(restore.status?.phase)) return undefined;
  const status: PlannerRestoreStatus = structuredClone(restore.status ?? {});
  const step: RestoreStep = { restore, status, context, settings, now: context.clock.now() };
  const delay = await runPhase(step);
  status.observedGeneration = restore.metadata?.generation;
  await updateStatusIfChanged(context.client, resourceTypes.plannerRestore, restore, status);
  if (isFinalPhase(status.phase) || delay === undefined) return undefined;
  return requeueAfter(delay === 0 ? 50 : delay);
}

async function runPhase(step: RestoreStep): Promise<StepResult> {
  switch (step.status.phase) {
    case undefined:
      return start(step);
    case 'Pending':
      return runPending(step);
    case 'Quiescing':
      return runQuiescing(step);
    case 'SafetyBackup':
      return runSafetyBackup(step);
    case 'Restoring':
      return runRestoring(step);
    case 'Resuming':
      return runResuming(step);
    default:
      return undefined;
  }
}

async function start(step: RestoreStep): Promise<StepResult> {
  const { restore } = step;
  const source = restore.spec.source.backupRef
    ? `PlannerBackup ${restore.spec.source.backupRef.name}${restore.spec.source.backupRef.backupId ? `/${restore.spec.source.backupRef.backupId}` : ''}`
    : 'external storage';
  const message = `Restore of app ${restore.spec.appRef.name} from ${source} started`;
  step.status.phase = 'Pending';
  step.status.startTime = step.now.toISOString();
  step.status.message = message;
  step.context.log.info('Restore started', { app: restore.spec.appRef.name });
  await recordEvent(step, 'Normal', RestoreReason.Started, message);
  return 0;
}
