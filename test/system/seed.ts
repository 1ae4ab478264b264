import { mapWithConcurrency, type PlannerApi } from './api.ts';

/** How much data to create; the demo uses thousands of rows, the e2e test a few hundred. */
export interface SeedSize {
  projects: number;
  tasks: number;
  events: number;
  /** Plain-language commands sent with execute: true; each creates one task or event. */
  commands: number;
}

export interface SeedResult {
  projectIds: string[];
  tasks: number;
  events: number;
  commands: number;
  /** Rows created through commands, by result type (create_task, create_event). */
  commandResults: Record<string, number>;
  durationMs: number;
}

const areas = [
  'Website relaunch',
  'Quarterly planning',
  'Mobile app',
  'Hiring',
  'Office move',
  'Customer onboarding',
  'Billing migration',
  'Security review',
  'Conference talk',
  'Data warehouse',
  'Support rota',
  'Brand refresh',
];
const verbs = [
  'Draft',
  'Review',
  'Update',
  'Send',
  'Prepare',
  'Fix',
  'Schedule',
  'Test',
  'Write',
  'Plan',
  'Call',
  'Book',
];
const objects = [
  'the budget spreadsheet',
  'release notes',
  'the onboarding checklist',
  'a design mock-up',
  'the vendor contract',
  'the test plan',
  'interview questions',
  'the status update',
  'the API changelog',
  'invoices for March',
  'the roadmap slides',
  'the incident report',
  'the user survey',
  'travel arrangements',
];
const tags = ['finance', 'design', 'backend', 'frontend', 'ops', 'legal', 'people', 'marketing', 'urgent-fix', 'q3'];
const priorities = ['low', 'medium', 'medium', 'high', 'urgent'] as const;
const statuses = ['todo', 'todo', 'todo', 'in_progress', 'blocked', 'done'] as const;
const meetings = [
  'Stand-up',
  'Design review',
  'One-to-one',
  'Sprint planning',
  'Customer call',
  'Retrospective',
  'Lunch with the data team',
  'Board preparation',
  'Architecture sync',
];
const places = ['Room 3.14', 'Video call', 'Cafeteria', 'Main office', 'Client site', ''];
const colours = ['#4f46e5', '#059669', '#d97706', '#dc2626', '#0891b2', '#7c3aed'];
const commandTemplates = [
  (n: number) => `remind me to send the ${objects[n % objects.length]} friday 9am #${tags[n % tags.length]}`,
  (n: number) => `${meetings[n % meetings.length]} tomorrow 3-4pm`,
  (n: number) => `submit expense report ${n} due monday !high`,
  (n: number) => `call the supplier about order ${1000 + n} tomorrow at 11`,
  (n: number) => `renew the ${['domain', 'licence', 'certificate', 'insurance'][n % 4]} #admin`,
  (n: number) => `meeting with ${['design', 'finance', 'sales', 'legal'][n % 4]} next tuesday 10-11am`,
];

/** A small deterministic generator, so two runs create the same data. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function pick<T>(items: readonly T[], next: () => number): T {
  return items[Math.floor(next() * items.length)] as T;
}

function daysFromNow(days: number, hour: number): string {
  const date = new Date(Date.now() + days * 86_400_000);
  date.setUTCHours(hour, 0, 0, 0);
  return date.toISOString();
}

/**
 * Fills the caller's planner through the HTTP API: projects first, then tasks spread over them,
 * events, and plain-language commands executed by the server's interpreter. At most `concurrency`
 * requests are in flight; `onProgress` hears each phase's count.
 */
export async function seedPlanner(
  api: PlannerApi,
  size: SeedSize,
  options: { concurrency?: number; onProgress?: (phase: string, done: number, total: number) => void } = {},
): Promise<SeedResult> {
  const started = Date.now();
  const concurrency = options.concurrency ?? 8;
  const next = random(42);
  const report = (phase: string, total: number) => (done: number) => options.onProgress?.(phase, done, total);

  const projectBodies = Array.from({ length: size.projects }, (_, i) => ({
    name: `${areas[i % areas.length]}${i >= areas.length ? ` ${Math.floor(i / areas.length) + 1}` : ''}`,
    description: `Work for ${areas[i % areas.length]?.toLowerCase()}`,
    colour: colours[i % colours.length],
  }));
  const projects = await mapWithConcurrency(
    projectBodies,
    concurrency,
    (body) => api.request<{ id: string }>('POST', '/api/v1/projects', body),
    report('projects', size.projects),
  );
  const projectIds = projects.map((project) => project.id);

  const taskBodies = Array.from({ length: size.tasks }, () => {
    const hasDue = next() < 0.8;
    return {
      title: `${pick(verbs, next)} ${pick(objects, next)}`,
      description: next() < 0.3 ? 'Notes from the last meeting are in the shared folder.' : '',
      status: pick(statuses, next),
      priority: pick(priorities, next),
      tags: [pick(tags, next), ...(next() < 0.3 ? [pick(tags, next)] : [])],
      dueAt: hasDue ? daysFromNow(Math.floor(next() * 60) - 10, 9 + Math.floor(next() * 8)) : null,
      estimateMinutes: next() < 0.6 ? 15 * (1 + Math.floor(next() * 16)) : null,
      projectId: projectIds.length > 0 && next() < 0.9 ? pick(projectIds, next) : null,
    };
  });
  await mapWithConcurrency(
    taskBodies,
    concurrency,
    (body) => api.request('POST', '/api/v1/tasks', body),
    report('tasks', size.tasks),
  );

  const eventBodies = Array.from({ length: size.events }, () => {
    const startAt = daysFromNow(Math.floor(next() * 90) - 30, 8 + Math.floor(next() * 9));
    const minutes = pick([15, 30, 45, 60, 90], next);
    return {
      title: pick(meetings, next),
      startAt,
      endAt: new Date(Date.parse(startAt) + minutes * 60_000).toISOString(),
      location: pick(places, next),
      description: '',
    };
  });
  await mapWithConcurrency(
    eventBodies,
    concurrency,
    (body) => api.request('POST', '/api/v1/events', body),
    report('events', size.events),
  );

  const commandResults: Record<string, number> = {};
  const texts = Array.from(
    { length: size.commands },
    (_, i) => commandTemplates[i % commandTemplates.length]?.(i) ?? '',
  );
  await mapWithConcurrency(
    texts,
    concurrency,
    async (text) => {
      const response = await api.request<{ results: { type: string }[] }>('POST', '/api/v1/commands', {
        text,
        execute: true,
        timeZone: 'Europe/London',
      });
      if (response.results.length === 0) throw new Error(`the command "${text}" created nothing`);
      for (const result of response.results) commandResults[result.type] = (commandResults[result.type] ?? 0) + 1;
    },
    report('commands', size.commands),
  );

  return {
    projectIds,
    tasks: size.tasks,
    events: size.events,
    commands: size.commands,
    commandResults,
    durationMs: Date.now() - started,
  };
}
