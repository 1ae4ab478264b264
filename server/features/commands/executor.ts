import type { Knex } from 'knex';
import { ConflictError, UnprocessableError } from '../../http/errors.ts';
import { escapeLike } from '../../shared/schemas.ts';
import type { EventService } from '../events/service.ts';
import type { Event } from '../events/schemas.ts';
import { findProjectByName } from '../projects/store.ts';
import type { Task } from '../tasks/schemas.ts';
import type { TaskService } from '../tasks/service.ts';
import type { Action } from './actions.ts';

/** Result of one executed action: the created or changed row, or the rows it listed. */
export type ActionResult =
  | { readonly type: 'create_task' | 'complete_task' | 'reschedule_task'; readonly task: Task }
  | { readonly type: 'create_event'; readonly event: Event }
  | { readonly type: 'list_tasks'; readonly tasks: Task[] }
  | { readonly type: 'list_events'; readonly events: Event[] };

/** Rows returned by a listing action. */
const listLimit = 50;

async function resolveProject(db: Knex, userId: string, name: string | null): Promise<string | null> {
  if (name === null) return null;
  const project = await findProjectByName(db, userId, name);
  if (project === undefined) {
    throw new UnprocessableError(`project "${name}" was not found; create it first or leave it out of the command`, [
      { in: 'body', pointer: '/text', detail: `no project named ${name}` },
    ]);
  }
  return project.id;
}

/**
 * Finds the one open task a command names: an exact title match (ignoring
 * case) wins, else the only title containing the words. Several candidates
 * are a conflict listing them, so the caller can be more precise.
 */
async function findNamedTask(db: Knex, userId: string, words: string): Promise<string> {
  const open = db('tasks').where('user_id', userId).whereNot('status', 'done');
  const exact = await open
    .clone()
    .whereRaw('lower(title) = lower(?)', [words])
    .orderBy('updated_at', 'desc')
    .first('id');
  if (exact !== undefined) return (exact as { id: string }).id;
  const candidates = (await open
    .clone()
    .whereILike('title', `%${escapeLike(words)}%`)
    .orderBy('updated_at', 'desc')
    .limit(6)
    .select('id', 'title')) as { id: string; title: string }[];
  if (candidates.length === 1) return (candidates[0] as { id: string }).id;
  if (candidates.length === 0) {
    throw new UnprocessableError(`no open task matches "${words}"`, [
      { in: 'body', pointer: '/text', detail: 'name the task by words of its title' },
    ]);
  }
  throw new ConflictError(
    `"${words}" matches several open tasks: ${candidates.map((task) => `"${task.title}"`).join(', ')}; use more of the title`,
  );
}

/** Applies actions in order inside the caller's transaction, through the same use cases as the REST routes. */
export async function executeActions(
  transaction: Knex.Transaction,
  userId: string,
  actions: readonly Action[],
  services: { tasks: TaskService; events: EventService },
): Promise<ActionResult[]> {
  const results: ActionResult[] = [];
  for (const action of actions) {
    switch (action.type) {
      case 'create_task': {
        const projectId = await resolveProject(transaction, userId, action.project);
        const task = await services.tasks.createIn(transaction, userId, {
          title: action.title,
          description: '',
          status: 'todo',
          priority: action.priority,
          tags: action.tags,
          dueAt: action.dueAt === null ? null : new Date(action.dueAt),
          startAt: null,
          estimateMinutes: action.estimateMinutes,
          projectId,
          recurrence:
            action.recurrence === null
              ? null
              : {
                  ...action.recurrence,
                  until: action.recurrence.until === null ? null : new Date(action.recurrence.until),
                },
          blockedBy: [],
        });
        results.push({ type: action.type, task });
        break;
      }
      case 'create_event': {
        const event = await services.events.createIn(transaction, userId, {
          title: action.title,
          startAt: new Date(action.startAt),
          endAt: new Date(action.endAt),
          location: action.location ?? '',
          description: '',
        });
        results.push({ type: action.type, event });
        break;
      }
      case 'complete_task':
      case 'reschedule_task': {
        const id = await findNamedTask(transaction, userId, action.task);
        const change = await services.tasks.updateIn(
          transaction,
          userId,
          id,
          action.type === 'complete_task' ? { status: 'done' } : { dueAt: new Date(action.dueAt) },
        );
        results.push({ type: action.type, task: change.task });
        break;
      }
      case 'list_tasks': {
        // NOTE: listings read through the task and event services, outside this
        // transaction, so they do not show rows created earlier in the same command.
        const projectId = await resolveProject(transaction, userId, action.project);
        const page = await services.tasks.list(userId, {
          limit: listLimit,
          sort: { key: 'dueAt', descending: false, raw: 'dueAt' },
          status: action.status,
          ...(action.dueAfter === null ? {} : { dueAfter: new Date(action.dueAfter) }),
          ...(action.dueBefore === null ? {} : { dueBefore: new Date(action.dueBefore) }),
          ...(action.tag === null ? {} : { tag: action.tag }),
          ...(projectId === null ? {} : { projectId }),
          ...(action.priority === null ? {} : { priority: action.priority }),
        });
        results.push({ type: action.type, tasks: page.items });
        break;
      }
      case 'list_events': {
        const page = await services.events.list(userId, {
          limit: listLimit,
          from: new Date(action.from),
          to: new Date(action.to),
        });
        results.push({ type: action.type, events: page.items });
        break;
      }
    }
  }
  return results;
}
