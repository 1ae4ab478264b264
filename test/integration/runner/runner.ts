import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { repositoryRoot } from '../../harness/paths.ts';

/** The outcome of one `planner-backup` run. */
export interface RunnerRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The termination message file, parsed; undefined when the command wrote none. */
  readonly result: Record<string, unknown> | undefined;
  /** Size in bytes of the termination message file. */
  readonly resultBytes: number;
}

/** A started run, for tests that act while it runs. */
export interface StartedRun {
  readonly pid: number | undefined;
  readonly done: Promise<RunnerRun>;
  kill(signal: NodeJS.Signals): void;
}

/**
 * Starts the runner from source (Node strips the types) with only the given
 * environment on top of PATH, and a fresh termination message file.
 */
export async function startRunner(
  args: readonly string[],
  env: Record<string, string>,
  cliPath = join(repositoryRoot, 'operator', 'runner', 'cli.ts'),
  onStderr?: (chunk: string) => void,
): Promise<StartedRun> {
  const folder = await mkdtemp(join(tmpdir(), 'planner-runner-'));
  const messagePath = join(folder, 'termination-log');
  const child = spawn(process.execPath, [cliPath, ...args], {
    env: { PATH: process.env.PATH ?? '', PLANNER_TERMINATION_MESSAGE_PATH: messagePath, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    onStderr?.(chunk.toString());
  });
  const done = new Promise<RunnerRun>((resolve) => {
    child.once('close', (code) => {
      void (async () => {
        const text = await readFile(messagePath, 'utf8').catch(() => undefined);
        await rm(folder, { recursive: true, force: true });
        resolve({
          code,
          stdout,
          stderr,
          result: text === undefined ? undefined : (JSON.parse(text) as Record<string, unknown>),
          resultBytes: text === undefined ? 0 : Buffer.byteLength(text),
        });
      })();
    });
  });
  return { pid: child.pid, done, kill: (signal) => child.kill(signal) };
}

/** Runs the runner to completion; `cliPath` picks the built program instead of the source. */
export async function runRunner(
  args: readonly string[],
  env: Record<string, string>,
  cliPath?: string,
): Promise<RunnerRun> {
  return (await startRunner(args, env, cliPath)).done;
}

/** Lists a folder's entries, hidden ones included; a missing folder is empty. */
export async function listFolder(path: string): Promise<string[]> {
  return (await readdir(path).catch(() => [] as string[])).sort();
}

/** Runs SQL statements against a database. */
export async function execute(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Runs one query and returns its rows. */
export async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/**
 * Creates planner-like tables (projects, tasks with a foreign key and an
 * index, events with jsonb, a table in a second schema) filled with
 * `tasks` tasks. `noteBytes` of random hex per task makes the dump large and incompressible.
 */
export async function seedPlannerData(url: string, tasks: number, noteBytes = 32): Promise<void> {
  const projects = Math.max(1, Math.floor(tasks / 25));
  await execute(
    url,
    `
    CREATE TABLE projects (id bigserial PRIMARY KEY, name text NOT NULL, owner text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now());
    CREATE TABLE tasks (id bigserial PRIMARY KEY, project_id bigint NOT NULL REFERENCES projects(id),
      title text NOT NULL, notes text, status text NOT NULL, priority int NOT NULL, due_at timestamptz);
    CREATE INDEX tasks_project_status_idx ON tasks (project_id, status);
    CREATE TABLE events (id bigserial PRIMARY KEY, task_id bigint REFERENCES tasks(id), kind text NOT NULL,
      payload jsonb NOT NULL);
    CREATE SCHEMA planning;
    CREATE TABLE planning.goals (id int PRIMARY KEY, title text NOT NULL);
    INSERT INTO projects (name, owner) SELECT 'Project ' || g, 'user' || (g % 17) FROM generate_series(1, ${projects}) g;
    INSERT INTO tasks (project_id, title, notes, status, priority, due_at)
      SELECT 1 + (g % ${projects}), 'Task ' || g,
        (SELECT string_agg(md5(g::text || '-' || r::text || random()::text), '') FROM generate_series(1, ${Math.max(1, Math.ceil(noteBytes / 32))}) r),
        (ARRAY['todo','doing','done'])[1 + g % 3], g % 5, now() + (g || ' minutes')::interval
      FROM generate_series(1, ${tasks}) g;
    INSERT INTO events (task_id, kind, payload)
      SELECT 1 + (g % ${tasks}), 'updated', jsonb_build_object('field', 'status', 'n', g) FROM generate_series(1, ${Math.floor(tasks / 2)}) g;
    INSERT INTO planning.goals SELECT g, 'Goal ' || g FROM generate_series(1, 40) g;
    `,
  );
}

/** Returns `schema.table → rows` for the planner tables, counted now. */
export async function countPlannerRows(url: string): Promise<Record<string, number>> {
  const rows = await query<{ name: string; rows: string }>(
    url,
    `SELECT 'public.projects' AS name, count(*) AS rows FROM projects
     UNION ALL SELECT 'public.tasks', count(*) FROM tasks
     UNION ALL SELECT 'public.events', count(*) FROM events
     UNION ALL SELECT 'planning.goals', count(*) FROM planning.goals`,
  );
  return Object.fromEntries(rows.map((row) => [row.name, Number(row.rows)]));
}
