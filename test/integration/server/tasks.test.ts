import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { registerUser, startTestServer, type ApiClient, type TestServer } from './support.ts';

let server: TestServer;
let alice: ApiClient;
let bob: ApiClient;

beforeAll(async () => {
  server = await startTestServer('tasks');
  alice = (await registerUser(server.baseUrl, 'alice')).client;
  bob = (await registerUser(server.baseUrl, 'bob')).client;
});

afterAll(async () => {
  await server.stop();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function createTask(client: ApiClient, body: Record<string, unknown>): Promise<Record<string, any>> {
  const response = await client.request('POST', '/api/v1/tasks', body);
  if (response.status !== 201)
    throw new Error(`creating a task returned ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body;
}

const titles = (body: { items: { title: string }[] }): string[] => body.items.map((item) => item.title);

describe('task CRUD', () => {
  it('creates a task with every field and reads it back', async () => {
    const project = await alice.request('POST', '/api/v1/projects', { name: 'Launch' });
    const task = await createTask(alice, {
      title: 'Write the press release',
      description: 'One page',
      priority: 'high',
      tags: ['PR', 'launch', 'pr'],
      dueAt: '2027-01-15T17:00:00Z',
      startAt: '2027-01-14T09:00:00Z',
      estimateMinutes: 90,
      projectId: project.body.id,
    });
    expect(task).toMatchObject({
      status: 'todo',
      priority: 'high',
      tags: ['pr', 'launch'],
      dueAt: '2027-01-15T17:00:00.000Z',
      estimateMinutes: 90,
      projectId: project.body.id,
      recurrence: null,
      blockedBy: [],
      completedAt: null,
    });
    const read = await alice.request('GET', `/api/v1/tasks/${task.id}`);
    expect(read.body).toEqual(task);
  });

  it('updates fields, clears them with null and records completion', async () => {
    const task = await createTask(alice, { title: 'Update me', dueAt: '2027-01-01T10:00:00Z' });
    const updated = await alice.request('PATCH', `/api/v1/tasks/${task.id}`, { dueAt: null, status: 'done' });
    expect(updated.status).toBe(200);
    expect(updated.body.dueAt).toBeNull();
    expect(updated.body.status).toBe('done');
    expect(updated.body.completedAt).not.toBeNull();
    const reopened = await alice.request('PATCH', `/api/v1/tasks/${task.id}`, { status: 'in_progress' });
    expect(reopened.body.completedAt).toBeNull();
  });

  it.each([
    ['a bad status', { title: 'x', status: 'started' }, '/status'],
    ['a bad priority', { title: 'x', priority: 'critical' }, '/priority'],
    ['a bad tag', { title: 'x', tags: ['has space'] }, '/tags/0'],
    ['a negative estimate', { title: 'x', estimateMinutes: -5 }, '/estimateMinutes'],
    [
      'a start after the due time',
      { title: 'x', startAt: '2027-01-02T00:00:00Z', dueAt: '2027-01-01T00:00:00Z' },
      '/startAt',
    ],
    ['a recurrence without due time', { title: 'x', recurrence: { frequency: 'daily' } }, '/recurrence'],
    [
      'a bad recurrence',
      { title: 'x', dueAt: '2027-01-01T00:00:00Z', recurrence: { frequency: 'hourly' } },
      '/recurrence/frequency',
    ],
  ])('rejects %s', async (_case, body, pointer) => {
    const response = await alice.request('POST', '/api/v1/tasks', body);
    expect(response.status).toBe(400);
    expect(response.body.errors.map((error: { pointer: string }) => error.pointer)).toContain(pointer);
  });

  it('deletes a task', async () => {
    const task = await createTask(alice, { title: 'Delete me' });
    expect((await alice.request('DELETE', `/api/v1/tasks/${task.id}`)).status).toBe(204);
    expect((await alice.request('DELETE', `/api/v1/tasks/${task.id}`)).status).toBe(404);
  });
});

describe('task lists', () => {
  let user: ApiClient;

  beforeAll(async () => {
    user = (await registerUser(server.baseUrl, 'lister')).client;
    const project = await user.request('POST', '/api/v1/projects', { name: 'Home' });
    await createTask(user, { title: 'Alpha report', priority: 'low', tags: ['work'], dueAt: '2027-01-03T10:00:00Z' });
    await createTask(user, {
      title: 'Beta call',
      priority: 'urgent',
      tags: ['work', 'calls'],
      dueAt: '2027-01-01T10:00:00Z',
    });
    await createTask(user, { title: 'Gamma_50% plan', priority: 'medium', status: 'done', projectId: project.body.id });
    await createTask(user, {
      title: 'Delta report',
      priority: 'high',
      status: 'blocked',
      dueAt: '2027-01-02T10:00:00Z',
    });
  });

  it.each([
    ['status', 'status=done', ['Gamma_50% plan']],
    ['several statuses', 'status=todo,blocked&sort=title', ['Alpha report', 'Beta call', 'Delta report']],
    ['tag', 'tag=calls', ['Beta call']],
    ['priority', 'priority=high', ['Delta report']],
    ['text search', 'q=REPORT&sort=title', ['Alpha report', 'Delta report']],
    ['text search with wildcards', 'q=_50%25', ['Gamma_50% plan']],
    ['due before', 'dueBefore=2027-01-02T10:00:00Z', ['Beta call']],
    ['due after', 'dueAfter=2027-01-02T10:00:00Z&sort=dueAt', ['Delta report', 'Alpha report']],
    ['due order with undated last', 'sort=dueAt', ['Beta call', 'Delta report', 'Alpha report', 'Gamma_50% plan']],
    ['priority descending', 'sort=-priority', ['Beta call', 'Delta report', 'Gamma_50% plan', 'Alpha report']],
  ])('filters by %s', async (_case, query, expected) => {
    const response = await user.request('GET', `/api/v1/tasks?${query}`);
    expect(response.status).toBe(200);
    expect(titles(response.body)).toEqual(expected);
  });

  it('filters by project', async () => {
    const projects = await user.request('GET', '/api/v1/projects');
    const response = await user.request('GET', `/api/v1/tasks?projectId=${projects.body.items[0].id}`);
    expect(titles(response.body)).toEqual(['Gamma_50% plan']);
  });

  it.each(['createdAt', '-createdAt', 'dueAt', '-dueAt', 'priority', '-priority', 'title', '-updatedAt'])(
    'pages without gaps sorted by %s',
    async (sort) => {
      const all = await user.request('GET', `/api/v1/tasks?sort=${sort}&limit=200`);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await user.request(
          'GET',
          `/api/v1/tasks?sort=${sort}&limit=1${cursor === null ? '' : `&cursor=${cursor}`}`,
        );
        seen.push(...page.body.items.map((item) => item.id));
        cursor = page.body.nextCursor;
      } while (cursor !== null && seen.length < 10);
      expect(seen).toEqual(all.body.items.map((item: { id: string }) => item.id));
    },
  );

  it('rejects a forged cursor', async () => {
    const response = await user.request('GET', '/api/v1/tasks?cursor=bm90LWpzb24');
    expect(response.status).toBe(400);
    expect(response.body.errors[0].pointer).toBe('/cursor');
  });
});

describe('dependencies', () => {
  it('blocks completion until blockers are done', async () => {
    const blocker = await createTask(alice, { title: 'Blocker' });
    const task = await createTask(alice, { title: 'Waiting', blockedBy: [blocker.id] });
    expect(task.blockedBy).toEqual([blocker.id]);

    const early = await alice.request('PATCH', `/api/v1/tasks/${task.id}`, { status: 'done' });
    expect(early.status).toBe(409);
    expect(early.body.detail).toContain(blocker.id);

    await alice.request('PATCH', `/api/v1/tasks/${blocker.id}`, { status: 'done' });
    const done = await alice.request('PATCH', `/api/v1/tasks/${task.id}`, { status: 'done' });
    expect(done.status).toBe(200);
  });

  it('rejects cycles, direct and indirect', async () => {
    const a = await createTask(alice, { title: 'A' });
    const b = await createTask(alice, { title: 'B', blockedBy: [a.id] });
    const c = await createTask(alice, { title: 'C', blockedBy: [b.id] });
    const indirect = await alice.request('PUT', `/api/v1/tasks/${a.id}/dependencies/${c.id}`);
    expect(indirect.status).toBe(409);
    const self = await alice.request('PATCH', `/api/v1/tasks/${a.id}`, { blockedBy: [a.id] });
    expect(self.status).toBe(409);
    const direct = await alice.request('PATCH', `/api/v1/tasks/${a.id}`, { blockedBy: [b.id] });
    expect(direct.status).toBe(409);
    expect((await alice.request('GET', `/api/v1/tasks/${a.id}`)).body.blockedBy).toEqual([]);
  });

  it('adds and removes one dependency', async () => {
    const a = await createTask(alice, { title: 'First' });
    const b = await createTask(alice, { title: 'Second' });
    const added = await alice.request('PUT', `/api/v1/tasks/${b.id}/dependencies/${a.id}`);
    expect(added.body.blockedBy).toEqual([a.id]);
    const removed = await alice.request('DELETE', `/api/v1/tasks/${b.id}/dependencies/${a.id}`);
    expect(removed.body.blockedBy).toEqual([]);
    expect((await alice.request('DELETE', `/api/v1/tasks/${b.id}/dependencies/${a.id}`)).status).toBe(404);
  });

  it('rejects an open blocker on a done task', async () => {
    const done = await createTask(alice, { title: 'Already done', status: 'done' });
    const open = await createTask(alice, { title: 'Still open' });
    const response = await alice.request('PUT', `/api/v1/tasks/${done.id}/dependencies/${open.id}`);
    expect(response.status).toBe(409);
  });
});

describe('recurrence', () => {
  it('creates the next occurrence when a recurring task is completed', async () => {
    const task = await createTask(alice, {
      title: 'Pay rent',
      dueAt: '2027-01-31T09:00:00Z',
      recurrence: { frequency: 'monthly', interval: 1, until: '2027-04-15T00:00:00Z' },
    });
    const done = await alice.request('PATCH', `/api/v1/tasks/${task.id}`, { status: 'done' });
    const link = done.headers.get('link');
    expect(link).toMatch(/rel="next-occurrence"/);
    const nextPath = /<([^>]+)>/.exec(link as string)?.[1] as string;
    const next = await alice.request('GET', nextPath);
    expect(next.body).toMatchObject({ title: 'Pay rent', status: 'todo', dueAt: '2027-02-28T09:00:00.000Z' });

    const second = await alice.request('PATCH', nextPath, { status: 'done' });
    expect(second.headers.get('link')).toMatch(/next-occurrence/);
    const third = await alice.request('GET', /<([^>]+)>/.exec(second.headers.get('link') as string)?.[1] as string);
    expect(third.body.dueAt).toBe('2027-03-28T09:00:00.000Z');
    const last = await alice.request('PATCH', `/api/v1/tasks/${third.body.id}`, { status: 'done' });
    expect(last.headers.get('link')).toBeNull();
  });
});

describe('isolation between users', () => {
  it('hides and protects one user’s tasks from another', async () => {
    const task = await createTask(alice, { title: 'Alice only', tags: ['secret'] });
    expect((await bob.request('GET', `/api/v1/tasks/${task.id}`)).status).toBe(404);
    expect((await bob.request('PATCH', `/api/v1/tasks/${task.id}`, { title: 'Bob now' })).status).toBe(404);
    expect((await bob.request('DELETE', `/api/v1/tasks/${task.id}`)).status).toBe(404);
    expect((await bob.request('GET', '/api/v1/tasks?tag=secret')).body.items).toEqual([]);

    const bobTask = await createTask(bob, { title: 'Bob task' });
    const link = await bob.request('PUT', `/api/v1/tasks/${bobTask.id}/dependencies/${task.id}`);
    expect(link.status).toBe(422);
    const viaBody = await bob.request('POST', '/api/v1/tasks', { title: 'Sneaky', blockedBy: [task.id] });
    expect(viaBody.status).toBe(422);
    const reverse = await bob.request('PUT', `/api/v1/tasks/${task.id}/dependencies/${bobTask.id}`);
    expect(reverse.status).toBe(404);
    expect((await alice.request('GET', `/api/v1/tasks/${task.id}`)).body.title).toBe('Alice only');
  });
});
