import { isDeepStrictEqual } from 'node:util';
import type { PlannerBackup, PlannerBackupStatus } from '../../api/generated.ts';
import { resourceTypes } from '../../api/resources.ts';
import { setCondition, type ConditionInput } from '../../runtime/conditions.ts';
import type { ReconcileContext } from '../../runtime/controller.ts';
import { stripUndefined } from '../../runtime/writes.ts';
import type { BackupMetrics } from './metrics.ts';

/** Settings of the PlannerBackup controller. */
export interface BackupControllerOptions {
  /** The operator's --runner-image; spec.job.image wins over it. */
  runnerImage: string | undefined;
  metrics: BackupMetrics;
}

/**
 * One reconcile's view of a PlannerBackup: the object as last written, and the status being built.
 * Steps change `status` and call {@link saveStatus} when a later step must not run before the
 * status is stored (for example before creating a Job, so that a restart finds the run).
 */
export interface BackupState {
  backup: PlannerBackup;
  status: PlannerBackupStatus;
  readonly context: ReconcileContext;
  readonly options: BackupControllerOptions;
}

/** Sets a condition on the status being built. */
export function putCondition(state: BackupState, input: ConditionInput): void {
  state.status.conditions = setCondition(
    state.status.conditions,
    input,
    state.backup.metadata?.generation,
    state.context.clock.now(),
  );
}

/**
 * Writes the status being built when it differs from the stored one. The write carries the
 * object's resourceVersion, so a stale view fails with 409 Conflict and the reconcile starts over.
 */
export async function saveStatus(state: BackupState): Promise<void> {
  const status = stripUndefined(state.status);
  if (isDeepStrictEqual(stripUndefined(state.backup.status ?? {}), status)) return;
  state.backup = await state.context.client.replace<PlannerBackup>(
    resourceTypes.plannerBackup,
    { ...state.backup, status },
    'status',
  );
  state.status = stripUndefined(state.backup.status ?? {});
}

/** Namespace and name labels of the backup, for logs and metrics. */
export function backupLabels(backup: PlannerBackup): { namespace: string; backup: string } {
  return { namespace: backup.metadata?.namespace ?? '', backup: backup.metadata?.name ?? '' };
}
