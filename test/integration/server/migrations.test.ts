import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDatabase, type Database } from '../../../server/db/database.ts';
import { migrateToLatest, readSchemaStatus, rollbackMigrations } from '../../../server/db/migrations.ts';
import { migrations } from '../../../server/migrations/index.ts';
import { createFileDatabase } from '../../harness/context.ts';
import { repositoryRoot } from '../../harness/paths.ts';
import type { TestDatabase } from '../../harness/postgres.ts';
import { waitFor } from '../../harness/processes.ts';
import { ApiClient, startTestServer, testEnvironment } from './support.ts';

const allNames = migrations.map((migration) => migration.name);
const cli = join(repositoryRoot, 'server', 'cli.ts');

function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { PATH: process.env.PATH, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function tableNames(database: Database): Promise<string[]> {
  const result = await database.writer.raw(
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
  );
  return (result.rows as { tablename: string }[]).map((row) => row.tablename);
}

describe('migrations', () => {
  let testDatabase: TestDatabase;
  let database: Database;

  beforeAll(async () => {
    testDatabase = await createFileDatabase('migrations');
    database = createDatabase({
      database: { connectionString: testDatabase.url },
      readDatabase: undefined,
      databasePoolMax: 4,
    });
  });

  afterAll(async () => {
    await database.destroy();
    await testDatabase.drop();
  });

  it('apply on an empty database and roll back to nothing', async () => {
    expect((await readSchemaStatus(database.writer)).pending).toEqual(allNames);
    expect(await migrateToLatest(database.writer)).toEqual(allNames);
    expect(await tableNames(database)).toEqual(
      expect.arrayContaining(['events', 'projects', 'task_dependencies', 'tasks', 'users']),
    );
    expect(await readSchemaStatus(database.writer)).toEqual({ applied: allNames, pending: [], unknown: [] });

    expect((await rollbackMigrations(database.writer, true)).sort()).toEqual([...allNames].sort());
    expect(await tableNames(database)).toEqual(['knex_migrations', 'knex_migrations_lock']);
    expect(await migrateToLatest(database.writer)).toEqual(allNames);
  });

  it('run once when several replicas migrate at the same time', async () => {
    await rollbackMigrations(database.writer, true);
    const replicas = [0, 1, 2].map(() =>
      createDatabase({ database: { connectionString: testDatabase.url }, readDatabase: undefined, databasePoolMax: 2 }),
    );
    try {
      const results = await Promise.all(replicas.map((replica) => migrateToLatest(replica.writer)));
      expect(results.flat().sort()).toEqual([...allNames].sort());
      const rows = await database.writer('knex_migrations').select('name');
      expect(rows.map((row) => row.name).sort()).toEqual([...allNames].sort());
    } finally {
      await Promise.all(replicas.map((replica) => replica.destroy()));
    }
  });
});

describe('a server whose schema is behind', () => {
  it('reports not ready, rejects API calls naming the migrations, and recovers after migrate', async () => {
    const server = await startTestServer('behind', { migrate: false });
    try {
      const client = new ApiClient(server.baseUrl);
      const ready = await waitFor(
        async () => {
          const response = await client.request('GET', '/ready');
          return response.body.checks?.schema === 'behind' ? response : undefined;
        },
        { description: 'readiness to report the schema behind', timeoutMs: 5000 },
      );
      expect(ready.status).toBe(503);
      expect(ready.body.pendingMigrations).toEqual(allNames);

      const rejected = await client.request('POST', '/api/v1/auth/register', {
        email: 'a@example.com',
        password: 'long enough pw',
      });
      expect(rejected.status).toBe(503);
      expect(rejected.body.detail).toContain('0001_create_users');
      expect(rejected.body.detail).toContain('planner-server migrate');
      expect((await client.request('GET', '/health')).status).toBe(200);
      expect(server.logLines.join('\n')).toContain('Database schema is behind');

      const migrated = await runCli(['migrate'], testEnvironment(server.database.url));
      expect(migrated.code).toBe(0);
      await waitFor(async () => ((await client.request('GET', '/ready')).status === 200 ? true : undefined), {
        description: 'readiness after migrating',
        timeoutMs: 5000,
      });
      const registered = await client.request('POST', '/api/v1/auth/register', {
        email: 'a@example.com',
        password: 'long enough pw',
      });
      expect(registered.status).toBe(201);
    } finally {
      await server.stop();
    }
  });
});

describe('planner-server command line', () => {
  it('prints the migration status as JSON', async () => {
    const database = await createFileDatabase('cli');
    try {
      const env = testEnvironment(database.url);
      const before = await runCli(['migrate', '--action', 'status'], env);
      expect(before.code).toBe(0);
      expect(JSON.parse(before.stdout).pending).toEqual(allNames);
      expect(before.stdout).not.toContain(new URL(database.url).password);
      expect((await runCli(['migrate'], { DATABASE_URL: database.url })).code).toBe(0);
      const after = await runCli(['migrate', '--action', 'status'], env);
      expect(JSON.parse(after.stdout).pending).toEqual([]);
    } finally {
      await database.drop();
    }
  });

  it.each([
    ['no database settings', { TOKEN_SECRET: 'x'.repeat(40) }, 'DATABASE_URL is required'],
    [
      'a short token secret',
      { DATABASE_URL: 'postgres://u:p@127.0.0.1:1/db', TOKEN_SECRET: 'short' },
      'TOKEN_SECRET must be at least 32',
    ],
    ['a missing token secret', { DATABASE_URL: 'postgres://u:p@127.0.0.1:1/db' }, 'TOKEN_SECRET is required'],
    [
      'a bad port',
      { DATABASE_URL: 'postgres://u:p@127.0.0.1:1/db', TOKEN_SECRET: 'x'.repeat(40), PORT: 'eighty' },
      'PORT must be a whole number',
    ],
  ])('refuses to serve with %s', async (_case, env, message) => {
    const result = await runCli([], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});
