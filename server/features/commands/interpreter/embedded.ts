import { UnprocessableError } from '../../../http/errors.ts';
import type { Action, CreateEventAction, CreateTaskAction, Plan } from '../actions.ts';
import type { TaskStatus } from '../../tasks/schemas.ts';
import {
  extractDuration,
  extractLocation,
  extractPriority,
  extractProject,
  extractRecurrence,
  extractTags,
} from './extract.ts';
import { classify, cleanSubject, cleanTitle } from './intents.ts';
import {
  atDefaultHour,
  findDate,
  localParts,
  localTime,
  startOfLocalDay,
  type FoundDate,
  type TimeContext,
} from './time.ts';

/** Local hour given to a task due on a date without a time: the end of a working day. */
export const defaultTaskHour = 17;
/** Local hour given to an event on a date without a time. */
export const defaultEventHour = 9;
/** Length of an event when the command gives neither an end nor a duration. */
export const defaultEventMinutes = 60;

const minute = 60_000;
const openStatuses: TaskStatus[] = ['todo', 'in_progress', 'blocked'];

function withoutDate(text: string, found: FoundDate | undefined): string {
  if (found === undefined) return text;
  return `${text.slice(0, found.index)} ${text.slice(found.index + found.text.length)}`;
}

function rejectEmpty(title: string, clause: string): string {
  if (title === '') {
    throw new UnprocessableError(`could not find what to do in "${clause}"; say what the task or event is`, [
      { in: 'body', pointer: '/text', detail: 'no title left once dates, tags and options were read' },
    ]);
  }
  return title;
}

/** Today at the default hour when that is still ahead, else tomorrow: the first due time of a recurring task without a date. */
function nextDefaultDue(context: TimeContext): Date {
  const today = localParts(context.now, context);
  const candidate = localTime(context, today, defaultTaskHour);
  return candidate > context.now ? candidate : localTime(context, { ...today, day: today.day + 1 }, defaultTaskHour);
}

function createTask(clause: string, context: TimeContext): CreateTaskAction {
  const tags = extractTags(clause);
  const project = extractProject(tags.rest);
  const priority = extractPriority(project.rest);
  const recurrence = extractRecurrence(priority.rest);
  const duration = extractDuration(recurrence.rest);
  const found = findDate(duration.rest, context);
  const title = rejectEmpty(cleanTitle(withoutDate(duration.rest, found), 'task'), clause);

  let dueAt = found === undefined ? null : atDefaultHour(found, context, defaultTaskHour);
  const rule = recurrence.value;
  if (rule !== undefined && dueAt === null) dueAt = nextDefaultDue(context);
  const until = rule?.untilText === undefined ? undefined : findDate(rule.untilText, context);
  return {
    type: 'create_task',
    title,
    dueAt: dueAt?.toISOString() ?? null,
    priority: priority.value ?? 'medium',
    tags: tags.value,
    project: project.value ?? null,
    estimateMinutes: duration.value ?? null,
    recurrence:
      rule === undefined
        ? null
        : {
            frequency: rule.frequency,
            interval: rule.interval,
            until:
              until === undefined ? null : localTime(context, localParts(until.start, context), 23, 59).toISOString(),
          },
  };
}

function createEvent(clause: string, context: TimeContext): CreateEventAction {
  const tags = extractTags(clause);
  const duration = extractDuration(tags.rest);
  const found = findDate(duration.rest, context);
  const location = extractLocation(withoutDate(duration.rest, found));
  const title = rejectEmpty(cleanTitle(location.rest, 'event'), clause);

  const start =
    found === undefined
      ? localTime(context, localParts(context.now, context), defaultEventHour)
      : atDefaultHour(found, context, defaultEventHour);
  const startAt = found === undefined && start <= context.now ? new Date(start.getTime() + 24 * 60 * minute) : start;
  const endAt = found?.end ?? new Date(startAt.getTime() + (duration.value ?? defaultEventMinutes) * minute);
  return {
    type: 'create_event',
    title,
    startAt: startAt.toISOString(),
    endAt: endAt.toISOString(),
    location: location.value ?? null,
  };
}

/** Returns the [from, to) window a listing names, or undefined when it names none. */
function window(text: string, context: TimeContext): { from: Date; to: Date } | undefined {
  const weekday = localParts(context.now, context).weekday;
  const sinceMonday = (weekday + 6) % 7;
  if (/\btoday\b|\btonight\b/i.test(text))
    return { from: startOfLocalDay(context, 0), to: startOfLocalDay(context, 1) };
  if (/\btomorrow\b/i.test(text)) return { from: startOfLocalDay(context, 1), to: startOfLocalDay(context, 2) };
  if (/\bthis week\b/i.test(text)) {
    return { from: startOfLocalDay(context, -sinceMonday), to: startOfLocalDay(context, 7 - sinceMonday) };
  }
  if (/\bnext week\b/i.test(text)) {
    return { from: startOfLocalDay(context, 7 - sinceMonday), to: startOfLocalDay(context, 14 - sinceMonday) };
  }
  if (/\b(?:this )?weekend\b/i.test(text)) {
    const saturday = (6 - weekday + 7) % 7;
    return { from: startOfLocalDay(context, saturday), to: startOfLocalDay(context, saturday + 2) };
  }
  const found = findDate(text, context);
  if (found === undefined) return undefined;
  const day = localParts(found.start, context);
  return { from: localTime(context, day, 0), to: localTime(context, { ...day, day: day.day + 1 }, 0) };
}

function listTasks(text: string, context: TimeContext): Action {
  const tags = extractTags(text);
  const project = extractProject(tags.rest);
  const priority = /\b(urgent|high|low|medium)(?:[\s-]+priority)?\b(?=.*\b(?:tasks?|to-?dos?)\b|[\s-]+priority)/i.exec(
    project.rest,
  );
  let status: TaskStatus[] = openStatuses;
  if (/\b(done|completed|finished)\b/i.test(text)) status = ['done'];
  else if (/\bblocked\b/i.test(text)) status = ['blocked'];
  else if (/\bin progress\b/i.test(text)) status = ['in_progress'];
  else if (/\ball (?:my )?tasks\b/i.test(text) && !/\bopen\b/i.test(text))
    status = ['todo', 'in_progress', 'blocked', 'done'];

  const overdue = /\boverdue\b|\blate\b/i.test(text);
  const range = overdue ? undefined : window(project.rest, context);
  const dueAfter = range?.from ?? null;
  const dueBefore = overdue ? context.now : (range?.to ?? null);
  return {
    type: 'list_tasks',
    status,
    dueAfter: dueAfter?.toISOString() ?? null,
    dueBefore: dueBefore?.toISOString() ?? null,
    tag: tags.value[0] ?? null,
    project: project.value ?? null,
    priority:
      priority === null ? null : ((priority[1] as string).toLowerCase() as 'urgent' | 'high' | 'low' | 'medium'),
  };
}

function listEvents(text: string, context: TimeContext): Action {
  const range = window(text, context) ?? {
    from: context.now,
    to: new Date(context.now.getTime() + 7 * 24 * 60 * minute),
  };
  return { type: 'list_events', from: range.from.toISOString(), to: range.to.toISOString() };
}

function interpretClause(clause: string, context: TimeContext): Action {
  const probe = extractDuration(extractTags(clause).rest).rest;
  const found = findDate(probe, context);
  const intent = classify(clause, found !== undefined, found?.hasTime ?? false, found?.end !== undefined);
  switch (intent.kind) {
    case 'complete':
      return { type: 'complete_task', task: rejectEmpty(cleanSubject(intent.subject), clause) };
    case 'reschedule': {
      const when = findDate(intent.when, context);
      if (when === undefined) {
        throw new UnprocessableError(`could not read a date in "${intent.when}"`, [
          { in: 'body', pointer: '/text', detail: 'say when, e.g. "to Friday 10am"' },
        ]);
      }
      const dueAt = atDefaultHour(when, context, defaultTaskHour).toISOString();
      return { type: 'reschedule_task', task: rejectEmpty(cleanSubject(intent.subject), clause), dueAt };
    }
    case 'list_tasks':
      return listTasks(intent.text, context);
    case 'list_events':
      return listEvents(intent.text, context);
    case 'create_event':
      return createEvent(intent.text, context);
    case 'create_task':
      return createTask(intent.text, context);
  }
}

/** Splits a command into clauses on semicolons, new lines and "and then". */
export function splitClauses(text: string): string[] {
  return text
    .split(/\s*;\s*|\n+|\s*,?\s+and then\s+/i)
    .map((clause) =>
      clause
        .trim()
        .replace(/[.!?]+$/, '')
        .trim(),
    )
    .filter((clause) => clause !== '');
}

/**
 * Runs the embedded interpreter, which is deterministic, offline, and the
 * fallback of the LLM one. Reads each clause of the text into one action; dates are read by
 * chrono-node in the caller's zone relative to `context.now`. Throws an
 * UnprocessableError naming the clause it could not read.
 */
export function interpretCommand(text: string, context: TimeContext): Plan {
  const clauses = splitClauses(text).slice(0, 10);
  if (clauses.length === 0) {
    throw new UnprocessableError('the command is empty', [
      { in: 'body', pointer: '/text', detail: 'must not be blank' },
    ]);
  }
  return { actions: clauses.map((clause) => interpretClause(clause, context)) };
}
