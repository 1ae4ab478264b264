import { randomBytes } from 'node:crypto';
import { AutoscalingV2Api } from '@kubernetes/client-node';
import { waitFor } from '../harness/processes.ts';
import { ApiError, PlannerApi } from './api.ts';
import { PlannerObjects } from './kube.ts';
import { seedPlanner, type SeedResult, type SeedSize } from './seed.ts';
import { names, type System } from './system.ts';

/** Where a step writes what a person should see; the e2e test collects it or drops it. */
export interface Reporter {
  /** A line of output. */
  line(text: string): void;
  /** A progress line that the next one may overwrite. */
  progress(text: string): void;
}

/** Row counts of the demo user, read through the API. */
export interface Counts {
  projects: number;
  tasks: number;
  events: number;
}

/** What the steps learn and hand on to later steps. */
export interface FlowState {
  size: SeedSize;
  api?: PlannerApi;
  seed?: SeedResult;
  before?: Counts;
  deleted?: { projectId: string; name: string; tasks: number };
  backup?: { jobName: string; backupId: string; size: number; durationSeconds: number; sha256: string };
}

/** One named step of the flow: it does its work, checks it, and returns data for the caller. */
export interface Step<T = unknown> {
  readonly name: string;
  readonly title: string;
  run(system: System, state: FlowState, report: Reporter): Promise<T>;
}

export async function countRows(api: PlannerApi): Promise<Counts> {
  const [projects, tasks, events] = await Promise.all([
    api.listAll('/api/v1/projects'),
    api.listAll('/api/v1/tasks'),
    api.listAll('/api/v1/events'),
  ]);
  return { projects: projects.length, tasks: tasks.length, events: events.length };
}

export const fillPlanner: Step<{ email: string; seed: SeedResult; counts: Counts }> = {
  name: 'fill',
  title: 'Register a user and fill the planner through the HTTP API',
  async run(system, state, report) {
    const api = new PlannerApi(system.server.baseUrl);
    const email = `demo-${randomBytes(3).toString('hex')}@example.com`;
    const registered = await api.request<{ token: string }>('POST', '/api/v1/auth/register', {
      email,
      password: `planner-${randomBytes(9).toString('base64url')}`,
      name: 'Demo User',
    });
    api.token = registered.token;
    state.api = api;
    report.line(`registered ${email}`);
    const seed = await seedPlanner(api, state.size, {
      onProgress: (phase, done, total) => {
        if (done === total || done % 100 === 0) report.progress(`${phase}: ${done}/${total}`);
      },
    });
    state.seed = seed;
    const counts = await countRows(api);
    state.before = counts;
    report.line(
      `created ${counts.projects} projects, ${counts.tasks} tasks and ${counts.events} events in ${(seed.durationMs / 1000).toFixed(1)} s ` +
        `(${seed.commands} plain-language commands: ${JSON.stringify(seed.commandResults)})`,
    );
    return { email, seed, counts };
  },
};

export interface AppView {
  phase: string | undefined;
  min: number | undefined;
  max: number | undefined;
  hpaMin: number | undefined;
  hpaMax: number | undefined;
  activeSchedules: string[];
}

async function viewApp(system: System): Promise<AppView> {
  const objects = new PlannerObjects(system.kubeConfig, system.namespace);
  const app = await objects.get('plannerapps', names.app);
  const hpaName = app.status?.hpaName ?? names.app;
  const autoscaling = system.kubeConfig.makeApiClient(AutoscalingV2Api);
  const hpa = await autoscaling
    .readNamespacedHorizontalPodAutoscaler({ name: hpaName, namespace: system.namespace })
    .catch(() => undefined);
  return {
    phase: app.status?.phase,
    min: app.status?.effectiveMinReplicas,
    max: app.status?.effectiveMaxReplicas,
    hpaMin: hpa?.spec?.minReplicas,
    hpaMax: hpa?.spec?.maxReplicas,
    activeSchedules: app.status?.activeSchedules ?? [],
  };
}

const describeView = (view: AppView): string =>
  `phase ${view.phase}, effective min ${view.min} max ${view.max}, HPA min ${view.hpaMin} max ${view.hpaMax}` +
  (view.activeSchedules.length > 0 ? `, active schedules: ${view.activeSchedules.join(', ')}` : '');

export const showApp: Step<AppView> = {
  name: 'app',
  title: 'The PlannerApp reconciled: its HPA and replica settings',
  async run(system, _state, report) {
    const view = await waitFor(
      async () => {
        const current = await viewApp(system);
        return current.phase === 'Active' && current.hpaMin !== undefined ? current : undefined;
      },
      { description: `PlannerApp ${names.app} to be Active with its HPA`, timeoutMs: 60_000, intervalMs: 500 },
    );
    report.line(describeView(view));
    return view;
  },
};

/** A daily window that opened at the current minute (UTC) and lasts an hour, so it is active now. */
export function windowActiveNow(min: number, max: number): Record<string, unknown> {
  const now = new Date();
  return {
    name: 'demo-peak',
    cron: `${now.getUTCMinutes()} ${now.getUTCHours()} * * *`,
    timeZone: 'UTC',
    duration: '1h',
    min,
    max,
  };
}

export const scheduleWindow: Step<{ before: AppView; after: AppView }> = {
  name: 'schedule',
  title: 'A schedule window taking effect',
  async run(system, _state, report) {
    const before = await viewApp(system);
    const window = windowActiveNow(3, 4);
    const objects = new PlannerObjects(system.kubeConfig, system.namespace);
    await objects.mergePatch('plannerapps', names.app, { spec: { schedules: [window] } });
    report.line(`patched schedule demo-peak: cron "${String(window.cron)}" UTC for 1h, min 3`);
    const after = await waitFor(
      async () => {
        const current = await viewApp(system);
        return current.min === 3 && current.hpaMin === 3 ? current : undefined;
      },
      { description: 'the schedule floor of 3 to reach the HPA', timeoutMs: 60_000, intervalMs: 500 },
    );
    report.line(`before: ${describeView(before)}`);
    report.line(`after:  ${describeView(after)}`);
    return { before, after };
  },
};

export const deleteProject: Step<{ projectId: string; name: string; tasks: number }> = {
  name: 'delete',
  title: 'Delete a project and its tasks through the API',
  async run(_system, state, report) {
    const api = state.api;
    if (api === undefined || state.seed === undefined) throw new Error('the fill step has not run');
    let best = { projectId: '', name: '', tasks: -1 };
    for (const projectId of state.seed.projectIds.slice(0, 5)) {
      const tasks = await api.listAll(`/api/v1/tasks?projectId=${projectId}`);
      if (tasks.length > best.tasks) {
        const project = await api.request<{ name: string }>('GET', `/api/v1/projects/${projectId}`);
        best = { projectId, name: project.name, tasks: tasks.length };
      }
    }
    await api.request('DELETE', `/api/v1/projects/${best.projectId}?cascade=true`);
    const gone = await api.request('GET', `/api/v1/projects/${best.projectId}`).then(
      () => false,
      (error: unknown) => error instanceof ApiError && error.status === 404,
    );
    if (!gone) throw new Error(`project ${best.projectId} still answers after DELETE`);
    const counts = await countRows(api);
    report.line(
      `deleted project "${best.name}" with ${best.tasks} tasks; now ${counts.projects} projects, ${counts.tasks} tasks`,
    );
    state.deleted = best;
    return best;
  },
};
