// Measures the backup runner against a plain `pg_dump -Fc > file` of the same
// database in the same run, and the runner's peak RSS, at the sizes given in
// megabytes of table data: node bench/backup/run.ts 100 1000
// BENCH_RUNNER_NODE_OPTIONS, when set, becomes the runner's NODE_OPTIONS.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { startPostgres } from '../../test/harness/postgres.ts';
import { createTestDatabase } from '../../test/harness/postgres.ts';
import { execute, query, runRunner } from '../../test/integration/runner/runner.ts';

/** Fills planner-like tasks with about `megabytes` MB of text (half of it random hex, so compression has work). */
async function seed(url: string, megabytes: number): Promise<void> {
  await execute(
    url,
    `CREATE TABLE projects (id bigserial PRIMARY KEY, name text NOT NULL);
     CREATE TABLE tasks (id bigserial PRIMARY KEY, project_id bigint NOT NULL REFERENCES projects(id),
       title text NOT NULL, notes text, status text NOT NULL, due_at timestamptz);
     INSERT INTO projects (name) SELECT 'Project ' || g FROM generate_series(1, 1000) g;`,
  );
  const rowsPerBatch = 100_000;
  const rowBytes = 1024;
  const batches = Math.max(1, Math.round((megabytes * 1024 * 1024) / rowBytes / rowsPerBatch));
  for (let batch = 0; batch < batches; batch += 1) {
    await execute(
      url,
      `INSERT INTO tasks (project_id, title, notes, status, due_at)
       SELECT 1 + g % 1000, 'Plan the week ' || g,
         repeat('Review the roadmap and book the meetings. ', 12) || (SELECT string_agg(md5(g::text || r), '') FROM generate_series(1, 16) r),
         (ARRAY['todo','doing','done'])[1 + g % 3], now() + (g || ' minutes')::interval
       FROM generate_series(${batch * rowsPerBatch + 1}, ${(batch + 1) * rowsPerBatch}) g`,
    );
  }
  await execute(url, 'VACUUM ANALYZE');
}

async function timePlainDump(binDir: string, url: string, file: string): Promise<number> {
  const started = performance.now();
  const child = spawn(join(binDir, 'pg_dump'), ['-Fc', `--dbname=${url}`], { stdio: ['ignore', 'pipe', 'inherit'] });
  child.stdout.pipe(createWriteStream(file));
  const [code] = (await once(child, 'close')) as [number];
  if (code !== 0) throw new Error(`pg_dump exited with ${code}`);
  return (performance.now() - started) / 1000;
}

const sizes = process.argv.slice(2).map(Number);
const runnerNodeOptions = process.env.BENCH_RUNNER_NODE_OPTIONS;
const server = await startPostgres();
const folder = await mkdtemp(join(tmpdir(), 'planner-bench-'));
try {
  for (const megabytes of sizes) {
    const database = await createTestDatabase(server.url, 'bench');
    await seed(database.url, megabytes);
    const [size] = await query<{ bytes: string }>(database.url, 'SELECT pg_database_size(current_database()) AS bytes');
    const plainSeconds = await timePlainDump(server.binDir, database.url, join(folder, `plain-${megabytes}.dump`));
    const started = performance.now();
    const run = await runRunner(
      ['backup', '--app', 'bench', '--backup-id', `bench-${megabytes}`, '--storage-path', join(folder, 'runner')],
      {
        DATABASE_URL: database.url,
        PG_BINDIR: server.binDir,
        // Node options for the runner alone, to compare V8 settings a Job could pass.
        ...(runnerNodeOptions === undefined ? {} : { NODE_OPTIONS: runnerNodeOptions }),
      },
      // The built program, as the runner image runs it (run npm run build first).
      join(import.meta.dirname, '..', '..', 'dist', 'operator', 'runner', 'cli.js'),
    );
    const runnerSeconds = (performance.now() - started) / 1000;
    if (run.code !== 0) throw new Error(`runner failed: ${run.stderr}`);
    const plainBytes = (await stat(join(folder, `plain-${megabytes}.dump`))).size;
    console.log(
      JSON.stringify({
        databaseBytes: Number(size?.bytes),
        plainDumpSeconds: Math.round(plainSeconds * 100) / 100,
        runnerSeconds: Math.round(runnerSeconds * 100) / 100,
        ratio: Math.round((runnerSeconds / plainSeconds) * 100) / 100,
        dumpBytes: run.result?.size,
        plainDumpBytes: plainBytes,
        runnerPeakRssBytes: run.result?.peakRssBytes,
      }),
    );
    await database.drop();
    await rm(join(folder, `plain-${megabytes}.dump`));
  }
} finally {
  await rm(folder, { recursive: true, force: true });
  await server.stop();
}
