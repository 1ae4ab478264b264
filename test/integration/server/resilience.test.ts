import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { testDatabaseAdminUrl } from '../../harness/context.ts';
import type { TestDatabase } from '../../harness/postgres.ts';
import { findFreePort, waitFor } from '../../harness/processes.ts';
import { startChildServer, type ChildServer } from './child-server.ts';
import { ApiClient, createMigratedDatabase } from './support.ts';
import { TcpProxy } from './tcp-proxy.ts';

let database: TestDatabase;
let proxy: TcpProxy;
let server: ChildServer;

beforeAll(async () => {
  database = await createMigratedDatabase('resilience');
  const target = new URL(testDatabaseAdminUrl());
  proxy = new TcpProxy(await findFreePort(), target.hostname, Number(target.port));
  const viaProxy = new URL(database.url);
  viaProxy.port = String(proxy.port);
  // The proxy is down at first: the database is unreachable when the server starts.
  server = await startChildServer(viaProxy.toString());
});

afterAll(async () => {
  await server.cleanup();
  await proxy.down();
  await database.drop();
});

async function readiness(client: ApiClient): Promise<{ status: number; body: Record<string, unknown> }> {
  return client.request('GET', '/ready');
}

describe('when the database goes away', () => {
  it('keeps running, reports not ready and recovers by itself', async () => {
    const anonymous = new ApiClient(server.baseUrl);

    const unreachable = await readiness(anonymous);
    expect(unreachable.status).toBe(503);
    expect(unreachable.body).toMatchObject({ checks: { database: 'unreachable' }, databaseError: 'ECONNREFUSED' });
    expect((await anonymous.request('GET', '/health')).status).toBe(200);
    const early = await anonymous.request('POST', '/api/v1/auth/register', {
      email: 'r@example.com',
      password: 'long enough pw',
    });
    expect(early.status).toBe(503);
    expect(early.headers.get('retry-after')).not.toBeNull();

    await proxy.up();
    await waitFor(async () => ((await readiness(anonymous)).status === 200 ? true : undefined), {
      description: 'readiness once the database is reachable',
      timeoutMs: 10_000,
    });
    const registered = await anonymous.request('POST', '/api/v1/auth/register', {
      email: 'r@example.com',
      password: 'long enough pw',
    });
    expect(registered.status).toBe(201);
    const client = new ApiClient(server.baseUrl, registered.body.token);
    expect((await client.request('POST', '/api/v1/tasks', { title: 'Before the outage' })).status).toBe(201);

    await proxy.down();
    const during = await client.request('POST', '/api/v1/tasks', { title: 'During the outage' });
    expect(during.status).toBe(503);
    expect(during.headers.get('content-type')).toContain('application/problem+json');
    await waitFor(async () => ((await readiness(anonymous)).status === 503 ? true : undefined), {
      description: 'readiness to turn false during the outage',
      timeoutMs: 10_000,
    });
    expect((await anonymous.request('GET', '/health')).status).toBe(200);

    await proxy.up();
    await waitFor(async () => ((await readiness(anonymous)).status === 200 ? true : undefined), {
      description: 'readiness after the outage',
      timeoutMs: 10_000,
    });
    const after = await client.request('POST', '/api/v1/tasks', { title: 'After the outage' });
    expect(after.status).toBe(201);
    const titles = (await client.request('GET', '/api/v1/tasks')).body.items.map(
      (task: { title: string }) => task.title,
    );
    expect(titles).toEqual(['Before the outage', 'After the outage']);
    expect(server.process.child.exitCode).toBeNull();
  });

  it('logs each outage with the host and code, not every failed check', async () => {
    const logs = await server.logs();
    const outages = logs.filter((entry) => entry.message === 'Database unreachable; retrying with backoff');
    expect(outages.length).toBeGreaterThanOrEqual(2);
    expect(outages.length).toBeLessThanOrEqual(4);
    expect(outages[0]).toMatchObject({
      level: 'warn',
      code: 'ECONNREFUSED',
      database: `127.0.0.1:${proxy.port}/${database.name}`,
    });
    expect(logs.filter((entry) => entry.message === 'Database reachable again').length).toBeGreaterThanOrEqual(2);
    expect(logs.some((entry) => entry.level === 'error' && entry.message === 'Uncaught exception; exiting')).toBe(
      false,
    );
  });

  it('exits 0 on SIGTERM', async () => {
    server.process.child.kill('SIGTERM');
    expect(await server.process.exited).toBe(0);
  });
});
