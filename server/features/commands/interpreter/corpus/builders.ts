import type { Action } from '../../actions.ts';

/** One labelled command: the text, the zone it is read in, and the actions a person would expect. */
export interface CorpusEntry {
  readonly text: string;
  readonly timeZone: string;
  readonly expected: Action[];
}

/**
 * The instant every corpus entry is read at: Wednesday 2 December 2026,
 * 10:00 UTC. "Tomorrow" is Thursday the 3rd, "Friday" the 4th, "Monday" the 7th.
 */
export const corpusNow = new Date('2026-12-02T10:00:00Z');

type TaskOptions = Partial<Omit<Extract<Action, { type: 'create_task' }>, 'type' | 'title'>>;

/** Timestamps in the corpus are written short: `12-04T09:00` means 2026-12-04T09:00:00.000Z. */
export function at(short: string): string {
  const full = /^\d{4}-/.test(short) ? short : `2026-${short}`;
  return new Date(`${full}:00Z`).toISOString();
}

export function task(title: string, options: TaskOptions = {}): Action {
  return {
    type: 'create_task',
    title,
    dueAt: options.dueAt === undefined || options.dueAt === null ? null : at(options.dueAt),
    priority: options.priority ?? 'medium',
    tags: options.tags ?? [],
    project: options.project ?? null,
    estimateMinutes: options.estimateMinutes ?? null,
    recurrence:
      options.recurrence === undefined || options.recurrence === null
        ? null
        : {
            ...options.recurrence,
            until: options.recurrence.until === null ? null : at(options.recurrence.until),
          },
  };
}

export function event(title: string, start: string, end: string, location: string | null = null): Action {
  return { type: 'create_event', title, startAt: at(start), endAt: at(end), location };
}

export function complete(words: string): Action {
  return { type: 'complete_task', task: words };
}

export function reschedule(words: string, due: string): Action {
  return { type: 'reschedule_task', task: words, dueAt: at(due) };
}

const open = ['todo', 'in_progress', 'blocked'] as const;

export function listTasks(
  options: Partial<Omit<Extract<Action, { type: 'list_tasks' }>, 'type'>> & { window?: [string, string] } = {},
): Action {
  return {
    type: 'list_tasks',
    status: options.status ?? [...open],
    dueAfter: options.window === undefined ? (options.dueAfter ?? null) : at(options.window[0]),
    dueBefore: options.window === undefined ? (options.dueBefore ?? null) : at(options.window[1]),
    tag: options.tag ?? null,
    project: options.project ?? null,
    priority: options.priority ?? null,
  };
}

export function listEvents(from: string, to: string): Action {
  return { type: 'list_events', from: at(from), to: at(to) };
}

/** Builds an entry read in UTC. */
export function utc(text: string, ...expected: Action[]): CorpusEntry {
  return { text, timeZone: 'UTC', expected };
}

/** Builds an entry read in another zone. */
export function zoned(timeZone: string, text: string, ...expected: Action[]): CorpusEntry {
  return { text, timeZone, expected };
}
