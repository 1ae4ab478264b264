import type { Knex } from 'knex';
import { applyKeyset, decodeCursor, toPage, type Page, type SortKey } from '../../shared/pagination.ts';
import { escapeLike } from '../../shared/schemas.ts';
import type { CreateTaskInput, ListTasksQuery, Recurrence, Task, TaskPriority, TaskStatus } from './schemas.ts';

/** A task row as selected by {@link taskColumns}. */
export interface TaskRow {
  id: string;
  title: string;
  description: string;
  status: TaskStatus;
  priority: TaskPriority;
  tags: string[];
  due_at: Date | null;
  start_at: Date | null;
  estimate_minutes: number | null;
  project_id: string | null;
  recurrence_frequency: Recurrence['frequency'] | null;
  recurrence_interval: number | null;
  recurrence_until: Date | null;
  blocked_by: string[];
  completed_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** Column values to write for a task, in the table's names. */
export type TaskValues = Partial<Omit<TaskRow, 'id' | 'blocked_by' | 'created_at' | 'updated_at'>>;

/** Columns of a task row apart from its dependencies; exported for the benchmark's baseline. */
export const plainColumns = [
  'id',
  'title',
  'description',
  'status',
  'priority',
  'tags',
  'due_at',
  'start_at',
  'estimate_minutes',
  'project_id',
  'recurrence_frequency',
  'recurrence_interval',
  'recurrence_until',
  'completed_at',
  'created_at',
  'updated_at',
];

function taskColumns(db: Knex): (string | Knex.Raw)[] {
  return [
    ...plainColumns.map((column) => `tasks.${column}`),
    db.raw(
      'ARRAY(SELECT blocker_id FROM task_dependencies WHERE task_id = tasks.id ORDER BY blocker_id) AS blocked_by',
    ),
  ];
}

const sortKeys: Record<ListTasksQuery['sort']['key'], SortKey> = {
  createdAt: { column: 'created_at', type: 'timestamptz' },
  updatedAt: { column: 'updated_at', type: 'timestamptz' },
  dueAt: { column: 'due_sort', type: 'timestamptz' },
  priority: { column: 'priority_rank', type: 'smallint' },
  title: { column: 'title', type: 'text' },
};

/** Maps a row to the API shape; exported for the commands executor, which returns changed rows. */
export function toTask(row: TaskRow): Task {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    status: row.status,
    priority: row.priority,
    tags: row.tags,
    dueAt: row.due_at?.toISOString() ?? null,
    startAt: row.start_at?.toISOString() ?? null,
    estimateMinutes: row.estimate_minutes,
    projectId: row.project_id,
    recurrence:
      row.recurrence_frequency === null
        ? null
        : {
            frequency: row.recurrence_frequency,
            interval: row.recurrence_interval ?? 1,
            until: row.recurrence_until?.toISOString() ?? null,
          },
    blockedBy: row.blocked_by,
    completedAt: row.completed_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Converts create input into column values. */
export function valuesFromInput(input: Omit<CreateTaskInput, 'blockedBy'>): TaskValues {
  return {
    title: input.title,
    description: input.description,
    status: input.status,
    priority: input.priority,
    tags: input.tags,
    due_at: input.dueAt,
    start_at: input.startAt,
    estimate_minutes: input.estimateMinutes,
    project_id: input.projectId,
    recurrence_frequency: input.recurrence?.frequency ?? null,
    recurrence_interval: input.recurrence?.interval ?? null,
    recurrence_until: input.recurrence?.until ?? null,
    completed_at: input.status === 'done' ? new Date() : null,
  };
}

/**
 * Inserts a task and returns the whole row in the same statement. A new task
 * has no dependencies yet, so `blocked_by` is empty.
 */
export async function insertTaskReturningRow(db: Knex, userId: string, values: TaskValues): Promise<TaskRow> {
  const [row] = await db('tasks')
    .insert({ ...values, user_id: userId })
    .returning(plainColumns);
  return { ...(row as Omit<TaskRow, 'blocked_by'>), blocked_by: [] };
}

export async function insertTask(db: Knex, userId: string, values: TaskValues): Promise<string> {
  const [row] = await db('tasks')
    .insert({ ...values, user_id: userId })
    .returning('id');
  return (row as { id: string }).id;
}

/** Reads one task; `forUpdate` locks its row until the transaction ends. */
export async function findTask(db: Knex, userId: string, id: string, forUpdate = false): Promise<TaskRow | undefined> {
  const query = db('tasks').select(taskColumns(db)).where({ 'tasks.id': id, 'tasks.user_id': userId }).first();
  if (forUpdate) query.forUpdate();
  return (await query) as TaskRow | undefined;
}

export async function updateTaskRow(db: Knex, userId: string, id: string, values: TaskValues): Promise<void> {
  await db('tasks')
    .where({ id, user_id: userId })
    .update({ ...values, updated_at: db.fn.now() });
}

export async function deleteTask(db: Knex, userId: string, id: string): Promise<boolean> {
  return (await db('tasks').where({ id, user_id: userId }).delete()) > 0;
}

/**
 * Builds the list query for one page. Exported so the benchmark's bare
 * node:http baseline can run exactly the same SQL.
 */
export function buildListTasksQuery(db: Knex, userId: string, query: ListTasksQuery): Knex.QueryBuilder {
  const key = sortKeys[query.sort.key];
  const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor, query.sort.raw);
  const builder = db('tasks').select(taskColumns(db)).where('tasks.user_id', userId);
  if (query.status !== undefined) builder.whereIn('status', query.status);
  if (query.priority !== undefined) builder.where('priority', query.priority);
  if (query.projectId !== undefined) builder.where('project_id', query.projectId);
  if (query.tag !== undefined) builder.whereRaw('tags @> ARRAY[?]::text[]', [query.tag]);
  if (query.dueBefore !== undefined) builder.where('due_at', '<', query.dueBefore);
  if (query.dueAfter !== undefined) builder.where('due_at', '>=', query.dueAfter);
  if (query.q !== undefined) builder.whereILike('title', `%${escapeLike(query.q)}%`);
  return applyKeyset(builder, key, query.sort.descending, query.limit, cursor);
}

export async function listTasks(db: Knex, userId: string, query: ListTasksQuery): Promise<Page<Task>> {
  const rows = (await buildListTasksQuery(db, userId, query)) as (TaskRow & { sort_value: string })[];
  return toPage(rows, query.limit, query.sort.raw, toTask);
}

/** Ids among `ids` that are not tasks of the user. */
export async function missingTaskIds(db: Knex, userId: string, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const found = await db('tasks').where('user_id', userId).whereIn('id', ids).pluck('id');
  const present = new Set(found as string[]);
  return ids.filter((id) => !present.has(id));
}

/** Blockers of a task that are not done. */
export async function openBlockers(db: Knex, userId: string, taskId: string): Promise<string[]> {
  return db('task_dependencies as d')
    .join('tasks as t', 't.id', 'd.blocker_id')
    .where({ 'd.task_id': taskId, 'd.user_id': userId })
    .whereNot('t.status', 'done')
    .pluck('t.id');
}

/**
 * Tells whether `taskId` can be reached from `blockerId` by following "is
 * blocked by" edges, in which case the edge taskId → blockerId would close a cycle.
 */
export async function wouldCreateCycle(db: Knex, taskId: string, blockerId: string): Promise<boolean> {
  const result = await db.raw(
    `WITH RECURSIVE reachable(id) AS (
       SELECT blocker_id FROM task_dependencies WHERE task_id = :blockerId
       UNION
       SELECT d.blocker_id FROM task_dependencies d JOIN reachable r ON d.task_id = r.id
     )
     SELECT EXISTS (SELECT 1 FROM reachable WHERE id = :taskId) AS cycle`,
    { blockerId, taskId },
  );
  return (result.rows[0] as { cycle: boolean }).cycle;
}

export async function addDependency(db: Knex, userId: string, taskId: string, blockerId: string): Promise<void> {
  await db('task_dependencies')
    .insert({ user_id: userId, task_id: taskId, blocker_id: blockerId })
    .onConflict(['task_id', 'blocker_id'])
    .ignore();
}

export async function removeDependency(db: Knex, userId: string, taskId: string, blockerId: string): Promise<boolean> {
  return (
    (await db('task_dependencies').where({ user_id: userId, task_id: taskId, blocker_id: blockerId }).delete()) > 0
  );
}

export async function clearDependencies(db: Knex, userId: string, taskId: string): Promise<void> {
  await db('task_dependencies').where({ user_id: userId, task_id: taskId }).delete();
}

/** Serializes dependency changes of one user, so two transactions cannot each add half of a cycle. */
export async function lockDependencyGraph(db: Knex, userId: string): Promise<void> {
  await db.raw("SELECT pg_advisory_xact_lock(hashtext('task_dependencies:' || ?))", [userId]);
}
