import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { registerUser, startTestServer, type ApiClient, type TestServer } from './support.ts';

let server: TestServer;
let alice: ApiClient;
let bob: ApiClient;

beforeAll(async () => {
  server = await startTestServer('projects');
  alice = (await registerUser(server.baseUrl, 'alice')).client;
  bob = (await registerUser(server.baseUrl, 'bob')).client;
});

afterAll(async () => {
  await server.stop();
});

describe('projects', () => {
  it('creates, reads, updates and lists a project', async () => {
    const created = await alice.request('POST', '/api/v1/projects', { name: 'Website', colour: '#112233' });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/api/v1/projects/${created.body.id}`);
    expect(created.body).toMatchObject({ name: 'Website', description: '', colour: '#112233' });

    const read = await alice.request('GET', `/api/v1/projects/${created.body.id}`);
    expect(read.body).toEqual(created.body);

    const updated = await alice.request('PATCH', `/api/v1/projects/${created.body.id}`, { description: 'Relaunch' });
    expect(updated.status).toBe(200);
    expect(updated.body.description).toBe('Relaunch');
    expect(updated.body.name).toBe('Website');

    const list = await alice.request('GET', '/api/v1/projects?q=webs');
    expect(list.body.items.map((project: { id: string }) => project.id)).toContain(created.body.id);
  });

  it('rejects a duplicate name regardless of case', async () => {
    await alice.request('POST', '/api/v1/projects', { name: 'Garden' });
    const again = await alice.request('POST', '/api/v1/projects', { name: 'garden' });
    expect(again.status).toBe(409);
    const other = await bob.request('POST', '/api/v1/projects', { name: 'Garden' });
    expect(other.status).toBe(201);
  });

  it.each([
    ['an empty name', { name: '  ' }, '/name'],
    ['a bad colour', { name: 'X', colour: 'red' }, '/colour'],
    ['an unknown field', { name: 'X', owner: 'me' }, '/'],
  ])('rejects %s', async (_case, body, pointer) => {
    const response = await alice.request('POST', '/api/v1/projects', body);
    expect(response.status).toBe(400);
    expect(response.body.errors[0].pointer).toBe(pointer);
  });

  it('rejects an empty update and a malformed id', async () => {
    const project = await alice.request('POST', '/api/v1/projects', { name: 'Empty patch' });
    const empty = await alice.request('PATCH', `/api/v1/projects/${project.body.id}`, {});
    expect(empty.status).toBe(400);
    const malformed = await alice.request('GET', '/api/v1/projects/not-a-uuid');
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors).toEqual([{ in: 'path', pointer: '/id', detail: 'must be a UUID' }]);
  });

  it('rejects query parameters a route does not take', async () => {
    const project = await alice.request('POST', '/api/v1/projects', { name: 'Strict query' });
    const response = await alice.request('GET', `/api/v1/projects/${project.body.id}?expand=tasks`);
    expect(response.status).toBe(400);
    expect(response.body.errors[0]).toMatchObject({ in: 'query', pointer: '/' });
  });

  it('pages through projects with a cursor', async () => {
    const user = (await registerUser(server.baseUrl, 'pager')).client;
    for (let index = 0; index < 5; index += 1) await user.request('POST', '/api/v1/projects', { name: `P${index}` });
    const first = await user.request('GET', '/api/v1/projects?limit=2&sort=name');
    const second = await user.request('GET', `/api/v1/projects?limit=2&sort=name&cursor=${first.body.nextCursor}`);
    const third = await user.request('GET', `/api/v1/projects?limit=2&sort=name&cursor=${second.body.nextCursor}`);
    const names = [...first.body.items, ...second.body.items, ...third.body.items].map((project) => project.name);
    expect(names).toEqual(['P0', 'P1', 'P2', 'P3', 'P4']);
    expect(third.body.nextCursor).toBeNull();

    const wrongSort = await user.request('GET', `/api/v1/projects?limit=2&sort=-name&cursor=${first.body.nextCursor}`);
    expect(wrongSort.status).toBe(400);
    const tooLarge = await user.request('GET', '/api/v1/projects?limit=1000');
    expect(tooLarge.status).toBe(400);
  });

  it('keeps a project with tasks unless asked to cascade', async () => {
    const project = await alice.request('POST', '/api/v1/projects', { name: 'Doomed' });
    const task = await alice.request('POST', '/api/v1/tasks', { title: 'Inside', projectId: project.body.id });
    expect(task.status).toBe(201);

    const refused = await alice.request('DELETE', `/api/v1/projects/${project.body.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain('cascade=true');

    const deleted = await alice.request('DELETE', `/api/v1/projects/${project.body.id}?cascade=true`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ deletedTasks: 1 });
    expect((await alice.request('GET', `/api/v1/tasks/${task.body.id}`)).status).toBe(404);
    expect((await alice.request('GET', `/api/v1/projects/${project.body.id}`)).status).toBe(404);
  });

  it('deletes an empty project without cascade', async () => {
    const project = await alice.request('POST', '/api/v1/projects', { name: 'Empty' });
    const deleted = await alice.request('DELETE', `/api/v1/projects/${project.body.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ deletedTasks: 0 });
  });

  it('hides one user’s projects from another', async () => {
    const project = await alice.request('POST', '/api/v1/projects', { name: 'Private' });
    const id = project.body.id as string;
    expect((await bob.request('GET', `/api/v1/projects/${id}`)).status).toBe(404);
    expect((await bob.request('PATCH', `/api/v1/projects/${id}`, { name: 'Mine' })).status).toBe(404);
    expect((await bob.request('DELETE', `/api/v1/projects/${id}?cascade=true`)).status).toBe(404);
    const bobList = await bob.request('GET', '/api/v1/projects?limit=200');
    expect(bobList.body.items.map((item: { id: string }) => item.id)).not.toContain(id);
    const bobTask = await bob.request('POST', '/api/v1/tasks', { title: 'Sneak in', projectId: id });
    expect(bobTask.status).toBe(422);
    expect((await alice.request('GET', `/api/v1/projects/${id}`)).body.name).toBe('Private');
  });
});
