import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import type { TestDatabase } from '../../harness/postgres.ts';
import { createMigratedDatabase, registerUser, startTestServer, type TestServer } from './support.ts';

// A second database stands in for the replica: rows written only there show
// that reads go to DATABASE_READ_URL while writes go to DATABASE_URL.
let replica: TestDatabase;
let server: TestServer;

beforeAll(async () => {
  replica = await createMigratedDatabase('replica');
  server = await startTestServer('primary', { env: { DATABASE_READ_URL: replica.url } });
});

afterAll(async () => {
  await server.stop();
  await replica.drop();
});

describe('read replica', () => {
  it('sends reads to DATABASE_READ_URL and writes to DATABASE_URL', async () => {
    const { client, userId, email } = await registerUser(server.baseUrl, 'replica');
    const created = await client.request('POST', '/api/v1/tasks', { title: 'Written to the primary' });
    expect(created.status).toBe(201);

    const direct = new pg.Client({ connectionString: replica.url });
    await direct.connect();
    try {
      await direct.query("INSERT INTO users (id, email, password_hash) VALUES ($1, $2, 'x')", [userId, email]);
      await direct.query("INSERT INTO tasks (user_id, title) VALUES ($1, 'Only on the replica')", [userId]);
    } finally {
      await direct.end();
    }

    const listed = await client.request('GET', '/api/v1/tasks');
    expect(listed.body.items.map((task: { title: string }) => task.title)).toEqual(['Only on the replica']);
    expect((await client.request('GET', `/api/v1/tasks/${created.body.id}`)).status).toBe(404);

    const metrics = await (await fetch(`${server.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/planner_db_pool_connections_max\{pool="replica"\} \d+/);
  });
});
