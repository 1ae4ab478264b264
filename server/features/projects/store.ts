import type { Knex } from 'knex';
import { applyKeyset, decodeCursor, toPage, type Page, type SortKey } from '../../shared/pagination.ts';
import { escapeLike } from '../../shared/schemas.ts';
import type { CreateProjectInput, ListProjectsQuery, Project, UpdateProjectInput } from './schemas.ts';

interface ProjectRow {
  id: string;
  name: string;
  description: string;
  colour: string;
  created_at: Date;
  updated_at: Date;
}

const columns = ['id', 'name', 'description', 'colour', 'created_at', 'updated_at'];

const sortKeys: Record<ListProjectsQuery['sort']['key'], SortKey> = {
  createdAt: { column: 'created_at', type: 'timestamptz' },
  name: { column: 'name', type: 'text' },
};

function toProject(row: ProjectRow): Project {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    colour: row.colour,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export async function insertProject(db: Knex, userId: string, input: CreateProjectInput): Promise<Project> {
  const [row] = await db('projects')
    .insert({ user_id: userId, name: input.name, description: input.description, colour: input.colour })
    .returning(columns);
  return toProject(row as ProjectRow);
}

export async function findProject(db: Knex, userId: string, id: string): Promise<Project | undefined> {
  const row = await db('projects').select(columns).where({ id, user_id: userId }).first();
  return row === undefined ? undefined : toProject(row as ProjectRow);
}

/** Finds a project of the user by name regardless of case. */
export async function findProjectByName(db: Knex, userId: string, name: string): Promise<Project | undefined> {
  const row = await db('projects')
    .select(columns)
    .where({ user_id: userId })
    .whereRaw('lower(name) = lower(?)', [name])
    .first();
  return row === undefined ? undefined : toProject(row as ProjectRow);
}

export async function listProjects(db: Knex, userId: string, query: ListProjectsQuery): Promise<Page<Project>> {
  const key = sortKeys[query.sort.key];
  const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor, query.sort.raw);
  const builder = db('projects').select(columns).where({ user_id: userId });
  if (query.q !== undefined) builder.whereILike('name', `%${escapeLike(query.q)}%`);
  const rows = await applyKeyset(builder, key, query.sort.descending, query.limit, cursor);
  return toPage(rows as (ProjectRow & { sort_value: string })[], query.limit, query.sort.raw, toProject);
}

/** Updates the given fields; returns undefined when the user has no such project. */
export async function updateProject(
  db: Knex,
  userId: string,
  id: string,
  input: UpdateProjectInput,
): Promise<Project | undefined> {
  const [row] = await db('projects')
    .where({ id, user_id: userId })
    .update({ ...input, updated_at: db.fn.now() })
    .returning(columns);
  return row === undefined ? undefined : toProject(row as ProjectRow);
}

export async function countProjectTasks(db: Knex, userId: string, id: string): Promise<number> {
  const row = await db('tasks')
    .where({ user_id: userId, project_id: id })
    .count<{ count: number }>('* as count')
    .first();
  return Number(row?.count ?? 0);
}

/** Deletes the project's tasks (their dependencies go with them) and returns how many. */
export async function deleteProjectTasks(db: Knex, userId: string, id: string): Promise<number> {
  return db('tasks').where({ user_id: userId, project_id: id }).delete();
}

/** Deletes the project; returns false when the user has no such project. */
export async function deleteProject(db: Knex, userId: string, id: string): Promise<boolean> {
  return (await db('projects').where({ id, user_id: userId }).delete()) > 0;
}
