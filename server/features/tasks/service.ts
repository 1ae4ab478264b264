import type { Knex } from 'knex';
import { isForeignKeyViolation } from '../../db/errors.ts';
import { ConflictError, NotFoundError, UnprocessableError } from '../../http/errors.ts';
import type { Page } from '../../shared/pagination.ts';
import { nextOccurrence } from './recurrence.ts';
import type { CreateTaskInput, ListTasksQuery, Task, UpdateTaskInput } from './schemas.ts';
import * as store from './store.ts';

/** A changed task, and the next occurrence created when a recurring task was completed. */
export interface TaskChange {
  readonly task: Task;
  readonly nextOccurrence: Task | undefined;
}

/** Task use cases of one user. The `…In` variants run inside a caller's transaction. */
export interface TaskService {
  create(userId: string, input: CreateTaskInput): Promise<Task>;
  createIn(db: Knex, userId: string, input: CreateTaskInput): Promise<Task>;
  get(userId: string, id: string): Promise<Task>;
  list(userId: string, query: ListTasksQuery): Promise<Page<Task>>;
  update(userId: string, id: string, input: UpdateTaskInput): Promise<TaskChange>;
  updateIn(transaction: Knex.Transaction, userId: string, id: string, input: UpdateTaskInput): Promise<TaskChange>;
  remove(userId: string, id: string): Promise<void>;
  addDependency(userId: string, id: string, blockerId: string): Promise<Task>;
  removeDependency(userId: string, id: string, blockerId: string): Promise<Task>;
}

function projectNotFound(projectId: string | null | undefined): UnprocessableError {
  return new UnprocessableError(`project ${projectId ?? ''} was not found; create it first or omit projectId`, [
    { in: 'body', pointer: '/projectId', detail: 'no such project' },
  ]);
}

/** Runs a write whose only foreign key the caller controls is the project, reporting a missing project as 422. */
async function withProjectCheck<T>(projectId: string | null | undefined, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isForeignKeyViolation(error)) throw projectNotFound(projectId);
    throw error;
  }
}

async function readTask(db: Knex, userId: string, id: string): Promise<Task> {
  const row = await store.findTask(db, userId, id);
  if (row === undefined) throw new NotFoundError('task', id);
  return store.toTask(row);
}

async function rejectOpenBlockers(db: Knex, userId: string, taskId: string): Promise<void> {
  const open = await store.openBlockers(db, userId, taskId);
  if (open.length > 0) {
    throw new ConflictError(
      `the task cannot be done while ${open.length} blocking task(s) are open: ${open.join(', ')}`,
      [{ in: 'body', pointer: '/status', detail: 'complete the blocking tasks first' }],
    );
  }
}

/** Replaces the blockers of a task after checking that each exists and none closes a cycle. */
async function setBlockers(db: Knex, userId: string, taskId: string, blockerIds: readonly string[]): Promise<void> {
  await store.lockDependencyGraph(db, userId);
  const missing = await store.missingTaskIds(db, userId, blockerIds);
  if (missing.length > 0) {
    throw new UnprocessableError(`blocking task(s) not found: ${missing.join(', ')}`, [
      { in: 'body', pointer: '/blockedBy', detail: 'every id must be one of your tasks' },
    ]);
  }
  await store.clearDependencies(db, userId, taskId);
  for (const blockerId of blockerIds) {
    if (blockerId === taskId || (await store.wouldCreateCycle(db, taskId, blockerId))) {
      throw new ConflictError(`task ${taskId} cannot wait for ${blockerId}: that would form a dependency cycle`, [
        { in: 'body', pointer: '/blockedBy', detail: 'dependencies must not form a cycle' },
      ]);
    }
    await store.addDependency(db, userId, taskId, blockerId);
  }
}

function updateValues(input: UpdateTaskInput, current: store.TaskRow): store.TaskValues {
  const values: store.TaskValues = {};
  if (input.title !== undefined) values.title = input.title;
  if (input.description !== undefined) values.description = input.description;
  if (input.priority !== undefined) values.priority = input.priority;
  if (input.tags !== undefined) values.tags = input.tags;
  if (input.dueAt !== undefined) values.due_at = input.dueAt;
  if (input.startAt !== undefined) values.start_at = input.startAt;
  if (input.estimateMinutes !== undefined) values.estimate_minutes = input.estimateMinutes;
  if (input.projectId !== undefined) values.project_id = input.projectId;
  if (input.recurrence !== undefined) {
    values.recurrence_frequency = input.recurrence?.frequency ?? null;
    values.recurrence_interval = input.recurrence?.interval ?? null;
    values.recurrence_until = input.recurrence?.until ?? null;
  }
  if (input.status !== undefined && input.status !== current.status) {
    values.status = input.status;
    values.completed_at = input.status === 'done' ? new Date() : null;
  }
  return values;
}

/** Inserts the next occurrence of a recurring task that has just been completed. */
async function createNextOccurrence(db: Knex, userId: string, done: store.TaskRow): Promise<Task | undefined> {
  if (done.recurrence_frequency === null || done.due_at === null) return undefined;
  const recurrence = {
    frequency: done.recurrence_frequency,
    interval: done.recurrence_interval ?? 1,
    until: done.recurrence_until,
  };
  const due = nextOccurrence(done.due_at, recurrence);
  if (due === undefined) return undefined;
  const shift = due.getTime() - done.due_at.getTime();
  const id = await store.insertTask(db, userId, {
    title: done.title,
    description: done.description,
    priority: done.priority,
    tags: done.tags,
    project_id: done.project_id,
    estimate_minutes: done.estimate_minutes,
    due_at: due,
    start_at: done.start_at === null ? null : new Date(done.start_at.getTime() + shift),
    recurrence_frequency: recurrence.frequency,
    recurrence_interval: recurrence.interval,
    recurrence_until: recurrence.until,
  });
  return readTask(db, userId, id);
}

/** Creates the task use cases; reads go to `reader`, changes to `writer` in one transaction each. */
export function createTaskService(writer: Knex, reader: Knex): TaskService {
  const service: TaskService = {
    // A task without blockers is one INSERT ... RETURNING, atomic on its own,
    // so it needs neither a transaction nor a second query to read it back.
    create: (userId, input) =>
      input.blockedBy.length === 0
        ? service.createIn(writer, userId, input)
        : writer.transaction((transaction) => service.createIn(transaction, userId, input)),

    async createIn(db, userId, input) {
      const { blockedBy, ...fields } = input;
      const values = store.valuesFromInput(fields);
      if (blockedBy.length === 0) {
        const row = await withProjectCheck(input.projectId, () => store.insertTaskReturningRow(db, userId, values));
        return store.toTask(row);
      }
      const id = await withProjectCheck(input.projectId, () => store.insertTask(db, userId, values));
      await setBlockers(db, userId, id, blockedBy);
      if (input.status === 'done') await rejectOpenBlockers(db, userId, id);
      return readTask(db, userId, id);
    },

    get: (userId, id) => readTask(reader, userId, id),

    list: (userId, query) => store.listTasks(reader, userId, query),

    update: (userId, id, input) =>
      writer.transaction((transaction) => service.updateIn(transaction, userId, id, input)),

    async updateIn(transaction, userId, id, input) {
      const current = await store.findTask(transaction, userId, id, true);
      if (current === undefined) throw new NotFoundError('task', id);
      const values = updateValues(input, current);
      const dueAt = values.due_at === undefined ? current.due_at : values.due_at;
      const recurring =
        values.recurrence_frequency === undefined ? current.recurrence_frequency : values.recurrence_frequency;
      if (recurring !== null && dueAt === null) {
        throw new UnprocessableError('a recurring task needs dueAt', [
          { in: 'body', pointer: '/dueAt', detail: 'set dueAt or remove the recurrence' },
        ]);
      }
      try {
        await store.updateTaskRow(transaction, userId, id, values);
      } catch (error) {
        if (isForeignKeyViolation(error)) throw projectNotFound(input.projectId);
        throw error;
      }
      if (input.blockedBy !== undefined) await setBlockers(transaction, userId, id, input.blockedBy);
      const status = values.status ?? current.status;
      if (status === 'done') await rejectOpenBlockers(transaction, userId, id);
      const updated = await store.findTask(transaction, userId, id);
      const completedNow = values.status === 'done';
      const next =
        completedNow && updated !== undefined ? await createNextOccurrence(transaction, userId, updated) : undefined;
      return { task: store.toTask(updated as store.TaskRow), nextOccurrence: next };
    },

    async remove(userId, id) {
      if (!(await store.deleteTask(writer, userId, id))) throw new NotFoundError('task', id);
    },

    addDependency: (userId, id, blockerId) =>
      writer.transaction(async (transaction) => {
        const current = await store.findTask(transaction, userId, id, true);
        if (current === undefined) throw new NotFoundError('task', id);
        await setBlockers(transaction, userId, id, [...new Set([...current.blocked_by, blockerId])]);
        if (current.status === 'done') await rejectOpenBlockers(transaction, userId, id);
        return readTask(transaction, userId, id);
      }),

    removeDependency: (userId, id, blockerId) =>
      writer.transaction(async (transaction) => {
        const current = await store.findTask(transaction, userId, id, true);
        if (current === undefined) throw new NotFoundError('task', id);
        if (!(await store.removeDependency(transaction, userId, id, blockerId))) {
          throw new NotFoundError('dependency', `${id} → ${blockerId}`);
        }
        return readTask(transaction, userId, id);
      }),
  };
  return service;
}
