import type { PlannerRestore, PlannerRestoreSpec } from '../../operator/api/generated.ts';
import { plannerApiVersion, resourceTypes } from '../../operator/api/resources.ts';
import { ExitCode, PluginError } from '../errors.ts';
import { parseBackupReference, restoreName } from '../format.ts';
import { getApp, getBackup, sleep, type Session } from '../kube.ts';

/** Options of `kubectl planner restore`. */
export interface RestoreOptions {
  from: string;
  wait: boolean;
  safetyBackup: boolean;
  quiesce: boolean;
  name?: string;
  timeoutSeconds: number;
  log: (line: string) => void;
}

/**
 * `kubectl planner restore APP --from BACKUP[/ID]`: checks that the app and the PlannerBackup
 * exist, creates a PlannerRestore, and with wait prints each phase until it ends. Throws a
 * PluginError with exit code 1 and the restore's message when it failed.
 */
export async function startRestore(session: Session, app: string, options: RestoreOptions): Promise<PlannerRestore> {
  let source;
  try {
    source = parseBackupReference(options.from);
  } catch (error) {
    throw new PluginError((error as Error).message, ExitCode.Usage);
  }
  await getApp(session, app);
  const backup = await getBackup(session, source.name);
  if (backup.spec.appRef.name !== app) {
    throw new PluginError(
      `PlannerBackup "${source.name}" backs up app "${backup.spec.appRef.name}", not "${app}"; pick a backup of ${app} with "kubectl planner backups ${app}"`,
      ExitCode.Usage,
    );
  }
  const spec: PlannerRestoreSpec = {
    appRef: { name: app },
    source: { backupRef: source },
    quiesce: options.quiesce,
    safetyBackup: options.safetyBackup,
  };
  const name = options.name ?? restoreName(app, new Date());
  const restore = await session.client.create<PlannerRestore>(resourceTypes.plannerRestore, session.namespace, {
    apiVersion: plannerApiVersion,
    kind: 'PlannerRestore',
    metadata: { name, namespace: session.namespace },
    spec,
  });
  options.log(`PlannerRestore ${name} created: restoring app ${app} from ${options.from}.`);
  if (!options.wait) {
    options.log(`Follow it with "kubectl get plannerrestore ${name} -n ${session.namespace} -w".`);
    return restore;
  }
  return followRestore(session, name, options);
}

async function followRestore(session: Session, name: string, options: RestoreOptions): Promise<PlannerRestore> {
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  let shown = '';
  while (Date.now() < deadline) {
    const restore = await session.client.get<PlannerRestore>(resourceTypes.plannerRestore, session.namespace, name);
    const phase = restore.status?.phase ?? 'Pending';
    const line = `${phase}: ${restore.status?.message ?? 'waiting for the operator'}`;
    if (line !== shown) {
      options.log(line);
      shown = line;
    }
    if (phase === 'Succeeded') return restore;
    if (phase === 'Failed') {
      const safety = restore.status?.safetyBackupId;
      const undo = safety === undefined ? '' : ` The safety backup ${safety} holds the database as it was before.`;
      throw new PluginError(
        `restore ${name} failed: ${restore.status?.message ?? 'no message'}.${undo} See "kubectl describe plannerrestore ${name} -n ${session.namespace}".`,
        ExitCode.Failed,
      );
    }
    await sleep(1_000);
  }
  throw new PluginError(
    `timed out after ${options.timeoutSeconds}s waiting for restore ${name}; it keeps running, follow it with "kubectl get plannerrestore ${name} -w"`,
    ExitCode.Timeout,
  );
}
