/**
 * Runs the built planner server against a private PostgreSQL for local use:
 * starts PostgreSQL on a free loopback port, creates a `planner` database,
 * applies the migrations with `planner-server migrate`, then serves on PORT
 * (default 8080) until Ctrl-C, which stops both. Build first (`make build`).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from '../test/harness/paths.ts';
import { createTestDatabase } from '../test/harness/postgres.ts';
import { startPostgres } from '../test/harness/postgres.ts';

const cli = join(repositoryRoot, 'dist', 'server', 'cli.js');
if (!existsSync(cli)) {
  process.stderr.write(`dev-server: ${cli} is missing; run "make build" (or npm run build) first\n`);
  process.exit(1);
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<number | null> {
  const child = spawn(process.execPath, [cli, ...args], { env, stdio: 'inherit' });
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

const postgres = await startPostgres();
const database = await createTestDatabase(postgres.url, 'planner');
const port = process.env.PORT ?? '8080';
const env: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: process.env.NODE_ENV ?? 'development',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
  PORT: port,
  HOST: process.env.HOST ?? '127.0.0.1',
  DATABASE_URL: database.url,
  TOKEN_SECRET: process.env.TOKEN_SECRET ?? randomBytes(32).toString('hex'),
  SHUTDOWN_DRAIN_DELAY_MS: process.env.SHUTDOWN_DRAIN_DELAY_MS ?? '0',
};

const migrated = await run(['migrate'], env);
if (migrated !== 0) {
  await postgres.stop();
  process.stderr.write(`dev-server: planner-server migrate exited with code ${String(migrated)}\n`);
  process.exit(1);
}

process.stdout.write(
  [
    '',
    `planner server: http://127.0.0.1:${port}  (API under /api/v1, docs/server.md has a curl walkthrough)`,
    `DATABASE_URL=${database.url}`,
    'Press Ctrl-C to stop the server and PostgreSQL.',
    '',
  ].join('\n'),
);

const server = spawn(process.execPath, [cli], { env, stdio: 'inherit' });
let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  server.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
const code = await new Promise<number | null>((resolve) => server.once('exit', (exitCode) => resolve(exitCode)));
await postgres.stop();
process.exit(code ?? 0);
