/**
 * The benchmark's baseline: a bare node:http + pg server that serves
 * `GET /api/v1/tasks` and `POST /api/v1/tasks` for one fixed user with exactly
 * the SQL the planner server runs (built by the same Knex query builders),
 * but without Express, validation, authentication, logging or metrics.
 *
 * Environment: DATABASE_URL, PORT, BENCH_USER_ID, DATABASE_POOL_MAX.
 */
import { createServer, type IncomingMessage } from 'node:http';
import knex from 'knex';
import pg from 'pg';
import { encodeCursor } from '../../server/shared/pagination.ts';
import {
  buildListTasksQuery,
  plainColumns,
  toTask,
  valuesFromInput,
  type TaskRow,
} from '../../server/features/tasks/store.ts';

const userId = process.env.BENCH_USER_ID as string;
const port = Number(process.env.PORT);
const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DATABASE_POOL_MAX ?? 10),
});
pool.on('error', () => undefined);

// A Knex instance without a connection only compiles SQL text.
const compiler = knex({ client: 'pg' });
const limit = 50;
const list = buildListTasksQuery(compiler, userId, {
  limit,
  sort: { key: 'createdAt', descending: false, raw: 'createdAt' },
})
  .toSQL()
  .toNative();

const sampleValues = { ...valuesFromInput(sampleInput('x')), user_id: userId };
// The server creates a task without blockers with this one INSERT ... RETURNING.
const insert = compiler('tasks').insert(sampleValues).returning(plainColumns).toSQL().toNative();
// Knex orders insert columns by name; bindings are rebuilt per request in that order.
const insertColumns = Object.keys(sampleValues).sort();

function sampleInput(title: string) {
  return {
    title,
    description: '',
    status: 'todo' as const,
    priority: 'medium' as const,
    tags: [] as string[],
    dueAt: null,
    startAt: null,
    estimateMinutes: null,
    projectId: null,
    recurrence: null,
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of request) body += String(chunk);
  return body;
}

async function listTasks(): Promise<string> {
  const result = await pool.query(list.sql, list.bindings as unknown[]);
  const rows = result.rows as (TaskRow & { sort_value: string })[];
  const kept = rows.slice(0, limit);
  const last = kept.at(-1);
  const nextCursor =
    rows.length > limit && last !== undefined
      ? encodeCursor({ sort: 'createdAt', value: last.sort_value, id: last.id })
      : null;
  return JSON.stringify({ items: kept.map(toTask), nextCursor });
}

async function createTask(body: string): Promise<string> {
  const input = JSON.parse(body) as { title: string; priority?: 'high'; tags?: string[] };
  const values: Record<string, unknown> = {
    ...valuesFromInput({ ...sampleInput(input.title), priority: input.priority ?? 'medium', tags: input.tags ?? [] }),
    user_id: userId,
  };
  const result = await pool.query(
    insert.sql,
    insertColumns.map((column) => values[column]),
  );
  return JSON.stringify(toTask({ ...(result.rows[0] as TaskRow), blocked_by: [] }));
}

const server = createServer((request, response) => {
  const path = (request.url ?? '').split('?')[0];
  const work =
    path === '/api/v1/tasks' && request.method === 'GET'
      ? listTasks().then((body) => [200, body] as const)
      : path === '/api/v1/tasks' && request.method === 'POST'
        ? readBody(request)
            .then(createTask)
            .then((body) => [201, body] as const)
        : Promise.resolve([404, '{}'] as const);
  work
    .then(([status, body]) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(body);
    })
    .catch(() => {
      response.writeHead(500);
      response.end();
    });
});
server.listen(port, '127.0.0.1', () => process.stdout.write(`baseline listening on ${port}\n`));
process.once('SIGTERM', () => {
  server.close();
  void pool.end();
});
