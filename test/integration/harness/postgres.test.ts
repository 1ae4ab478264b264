import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { createFileDatabase, testPgBinDir } from '../../harness/context.ts';
import type { TestDatabase } from '../../harness/postgres.ts';

describe('test PostgreSQL', () => {
  let database: TestDatabase;
  let client: pg.Client;

  beforeAll(async () => {
    database = await createFileDatabase('smoke');
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  });

  afterAll(async () => {
    await client.end();
    await database.drop();
  });

  it('round-trips rows through SQL', async () => {
    await client.query('CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL)');
    await client.query('INSERT INTO notes (body) VALUES ($1), ($2)', ['first', 'second']);
    const result = await client.query<{ body: string }>('SELECT body FROM notes ORDER BY id');
    expect(result.rows.map((row) => row.body)).toEqual(['first', 'second']);
  });

  it('listens on loopback only', async () => {
    const result = await client.query<{ addr: string }>('SELECT inet_server_addr()::text AS addr');
    expect(result.rows[0]?.addr).toBe('127.0.0.1/32');
  });

  it('gives each test file its own database', async () => {
    const other = await createFileDatabase('smoke');
    const otherClient = new pg.Client({ connectionString: other.url });
    await otherClient.connect();
    try {
      const tables = await otherClient.query("SELECT 1 FROM pg_tables WHERE tablename = 'notes'");
      expect(tables.rowCount).toBe(0);
    } finally {
      await otherClient.end();
      await other.drop();
    }
  });

  it('has pg_dump, pg_restore and psql of the server major version', async () => {
    const version = await client.query<{ server_version_num: string }>('SHOW server_version_num');
    const major = Math.floor(Number(version.rows[0]?.server_version_num) / 10_000);
    for (const tool of ['pg_dump', 'pg_restore', 'psql']) {
      expect(existsSync(join(testPgBinDir(), tool))).toBe(true);
    }
    expect(testPgBinDir()).toContain(`/${major}/`);
  });
});
