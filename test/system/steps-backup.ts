import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import type { BackupRecord } from '../../operator/api/generated.ts';
import { repositoryRoot } from '../harness/paths.ts';
import { waitFor } from '../harness/processes.ts';
import { describeLogLine, followFile, PlannerObjects } from './kube.ts';
import { countRows, type Counts, type Reporter, type Step } from './steps.ts';
import { names, type System } from './system.ts';

/** Follows the log of the first container of the Job's pod while `until` runs. */
async function followJobLog<T>(system: System, jobName: string, report: Reporter, until: Promise<T>): Promise<T> {
  const core = system.kubeConfig.makeApiClient(CoreV1Api);
  const pod = await waitFor(
    async () =>
      (await core.listNamespacedPod({ namespace: system.namespace, labelSelector: `job-name=${jobName}` })).items[0],
    { description: `a pod of Job ${jobName}`, timeoutMs: 60_000, intervalMs: 250 },
  );
  const container = pod.spec?.containers[0]?.name ?? '';
  const path = system.agent.containerLogPath(system.namespace, pod.metadata?.name ?? '', container);
  const tail = followFile(path, (line) => {
    const text = describeLogLine(line);
    if (text !== undefined) report.line(`  runner | ${text}`);
  });
  try {
    return await until;
  } finally {
    await tail.stop();
  }
}

/** Asks a PlannerBackup for an immediate run and waits for its result, showing the runner's log. */
export async function runBackupNow(system: System, backup: string, report: Reporter): Promise<BackupRecord> {
  const objects = new PlannerObjects(system.kubeConfig, system.namespace);
  const value = new Date().toISOString();
  await objects.mergePatch('plannerbackups', backup, {
    metadata: { annotations: { 'planner.bbcagents.io/run-now': value } },
  });
  report.line(`annotated PlannerBackup ${backup} with planner.bbcagents.io/run-now=${value}`);
  const jobName = await waitFor(
    async () => {
      const status = (await objects.get('plannerbackups', backup)).status;
      if (status?.activeRun?.jobName !== undefined) return status.activeRun.jobName;
      if (status?.lastRunNowValue === value) return status.lastRun?.jobName;
      return undefined;
    },
    { description: `a run of PlannerBackup ${backup} to start`, timeoutMs: 60_000, intervalMs: 250 },
  );
  report.line(`Job ${jobName} started`);
  const finished = waitFor(
    async () => {
      const status = (await objects.get('plannerbackups', backup)).status;
      const last = status?.lastRun;
      return last?.jobName === jobName && status?.activeRun === undefined ? last : undefined;
    },
    { description: `run ${jobName} of PlannerBackup ${backup} to finish`, timeoutMs: 180_000, intervalMs: 500 },
  );
  const record = await followJobLog(system, jobName, report, finished);
  if (record.result !== 'Succeeded') throw new Error(`backup run ${jobName} failed: ${record.message ?? 'no message'}`);
  return record;
}

export const takeBackup: Step<BackupRecord> = {
  name: 'backup',
  title: 'An on-demand backup through the PlannerBackup',
  async run(system, state, report) {
    const record = await runBackupNow(system, names.nightlyBackup, report);
    state.backup = {
      jobName: record.jobName ?? '',
      backupId: record.backupId ?? '',
      size: record.size ?? 0,
      durationSeconds: record.durationSeconds ?? 0,
      sha256: record.sha256 ?? '',
    };
    report.line(
      `backup ${record.backupId}: ${formatBytes(record.size ?? 0)} in ${record.durationSeconds} s, sha256 ${record.sha256?.slice(0, 12)}…`,
    );
    return record;
  },
};

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/** Runs `kubectl planner ...` (the built plugin) with the admin kubeconfig, echoing its output. */
export function runPlugin(system: System, args: string[], report: Reporter): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repositoryRoot, 'dist/plugin/cli.js'), ...args], {
      env: { ...process.env, KUBECONFIG: system.kubeconfigPath },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let partial = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') report.line(`  kubectl planner | ${line}`);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) => {
      if (partial.trim() !== '') report.line(`  kubectl planner | ${partial}`);
      resolve({ code: code ?? -1, output });
    });
  });
}

export const restoreBackup: Step<{ restore: string; phase: string | undefined; serverStops: number }> = {
  name: 'restore',
  title: 'Restore with `kubectl planner restore --wait`',
  async run(system, _state, report) {
    const stopsBefore = system.server.history.filter((entry) => entry.action === 'stopped').length;
    const args = [
      'restore',
      names.app,
      '--from',
      names.nightlyBackup,
      '--wait',
      '--timeout',
      '180',
      '-n',
      system.namespace,
    ];
    report.line(`$ kubectl planner ${args.join(' ')}`);
    const result = await runPlugin(system, args, report);
    if (result.code !== 0) throw new Error(`kubectl planner restore exited with code ${result.code}`);
    const objects = new PlannerObjects(system.kubeConfig, system.namespace);
    const restores = await objects.list('plannerrestores');
    const latest = restores.sort((a, b) =>
      String(b.metadata?.creationTimestamp).localeCompare(String(a.metadata?.creationTimestamp)),
    )[0];
    // The app comes back after the restore: wait for the local server to serve again.
    await waitFor(
      async () => ((await fetch(`${system.server.baseUrl}/ready`).catch(() => undefined))?.ok ? true : undefined),
      { description: 'the server to serve again after the restore', timeoutMs: 60_000, intervalMs: 250 },
    );
    const serverStops = system.server.history.filter((entry) => entry.action === 'stopped').length - stopsBefore;
    report.line(
      `PlannerRestore ${latest?.metadata?.name}: ${latest?.status?.phase}; the local server process was stopped ${serverStops} time(s) while the app was quiesced`,
    );
    return { restore: latest?.metadata?.name ?? '', phase: latest?.status?.phase, serverStops };
  },
};

export const verifyRestore: Step<{ before: Counts; after: Counts; projectTasks: number }> = {
  name: 'verify',
  title: 'The deleted rows are back and the counts match',
  async run(_system, state, report) {
    const api = state.api;
    if (api === undefined || state.before === undefined || state.deleted === undefined) {
      throw new Error('the fill and delete steps have not run');
    }
    const after = await countRows(api);
    const project = await api.request<{ name: string }>('GET', `/api/v1/projects/${state.deleted.projectId}`);
    const projectTasks = (await api.listAll(`/api/v1/tasks?projectId=${state.deleted.projectId}`)).length;
    const before = state.before;
    const same = before.projects === after.projects && before.tasks === after.tasks && before.events === after.events;
    report.line(`project "${project.name}" is back with ${projectTasks} of ${state.deleted.tasks} tasks`);
    report.line(`before: ${JSON.stringify(before)}  after: ${JSON.stringify(after)}  ${same ? 'match' : 'DIFFER'}`);
    if (!same || projectTasks !== state.deleted.tasks) throw new Error('the restored counts differ from the backup');
    return { before, after, projectTasks };
  },
};
