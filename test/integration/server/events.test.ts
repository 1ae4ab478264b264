import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { registerUser, startTestServer, type ApiClient, type TestServer } from './support.ts';

let server: TestServer;
let alice: ApiClient;
let bob: ApiClient;

beforeAll(async () => {
  server = await startTestServer('events');
  alice = (await registerUser(server.baseUrl, 'alice')).client;
  bob = (await registerUser(server.baseUrl, 'bob')).client;
});

afterAll(async () => {
  await server.stop();
});

const event = (title: string, start: string, end: string, extra: Record<string, unknown> = {}) => ({
  title,
  startAt: start,
  endAt: end,
  ...extra,
});

describe('events', () => {
  it('creates, reads, updates and deletes an event', async () => {
    const created = await alice.request(
      'POST',
      '/api/v1/events',
      event('Design review', '2027-01-10T15:00:00+01:00', '2027-01-10T16:00:00+01:00', { location: 'Room 4' }),
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ startAt: '2027-01-10T14:00:00.000Z', location: 'Room 4' });

    const moved = await alice.request('PATCH', `/api/v1/events/${created.body.id}`, { endAt: '2027-01-10T15:30:00Z' });
    expect(moved.status).toBe(200);
    expect(moved.body.endAt).toBe('2027-01-10T15:30:00.000Z');

    const badMove = await alice.request('PATCH', `/api/v1/events/${created.body.id}`, {
      startAt: '2027-01-10T18:00:00Z',
    });
    expect(badMove.status).toBe(400);
    expect(badMove.body.errors[0].pointer).toBe('/startAt');

    expect((await alice.request('DELETE', `/api/v1/events/${created.body.id}`)).status).toBe(204);
    expect((await alice.request('GET', `/api/v1/events/${created.body.id}`)).status).toBe(404);
  });

  it.each([
    ['an end before the start', event('X', '2027-01-10T15:00:00Z', '2027-01-10T14:00:00Z'), '/endAt'],
    ['a date without zone', event('X', '2027-01-10T15:00:00', '2027-01-10T16:00:00Z'), '/startAt'],
    ['a missing title', { startAt: '2027-01-10T15:00:00Z', endAt: '2027-01-10T16:00:00Z' }, '/title'],
  ])('rejects %s', async (_case, body, pointer) => {
    const response = await alice.request('POST', '/api/v1/events', body);
    expect(response.status).toBe(400);
    expect(response.body.errors.map((error: { pointer: string }) => error.pointer)).toContain(pointer);
  });

  it('lists the events overlapping a window and builds an agenda', async () => {
    const user = (await registerUser(server.baseUrl, 'agenda')).client;
    await user.request('POST', '/api/v1/events', event('Before', '2027-02-01T08:00:00Z', '2027-02-01T09:00:00Z'));
    await user.request('POST', '/api/v1/events', event('Overlapping', '2027-02-01T09:30:00Z', '2027-02-01T10:30:00Z'));
    await user.request('POST', '/api/v1/events', event('Inside', '2027-02-01T11:00:00Z', '2027-02-01T12:00:00Z'));
    await user.request('POST', '/api/v1/events', event('After', '2027-02-02T08:00:00Z', '2027-02-02T09:00:00Z'));
    await user.request('POST', '/api/v1/tasks', { title: 'Due inside', dueAt: '2027-02-01T11:30:00Z' });
    await user.request('POST', '/api/v1/tasks', {
      title: 'Done inside',
      dueAt: '2027-02-01T11:30:00Z',
      status: 'done',
    });
    await user.request('POST', '/api/v1/tasks', { title: 'Due later', dueAt: '2027-02-05T11:30:00Z' });

    const window = 'from=2027-02-01T10:00:00Z&to=2027-02-01T18:00:00Z';
    const list = await user.request('GET', `/api/v1/events?${window}`);
    expect(list.body.items.map((item: { title: string }) => item.title)).toEqual(['Overlapping', 'Inside']);

    const agenda = await user.request('GET', `/api/v1/agenda?${window}`);
    expect(agenda.status).toBe(200);
    expect(agenda.body.events.map((item: { title: string }) => item.title)).toEqual(['Overlapping', 'Inside']);
    expect(agenda.body.tasks.map((item: { title: string }) => item.title)).toEqual(['Due inside']);

    const backwards = await user.request('GET', '/api/v1/agenda?from=2027-02-02T00:00:00Z&to=2027-02-01T00:00:00Z');
    expect(backwards.status).toBe(400);
    const missing = await user.request('GET', '/api/v1/agenda');
    expect(missing.status).toBe(400);
  });

  it('hides one user’s events from another', async () => {
    const created = await alice.request(
      'POST',
      '/api/v1/events',
      event('Secret', '2027-03-01T10:00:00Z', '2027-03-01T11:00:00Z'),
    );
    const id = created.body.id as string;
    expect((await bob.request('GET', `/api/v1/events/${id}`)).status).toBe(404);
    expect((await bob.request('PATCH', `/api/v1/events/${id}`, { title: 'Mine' })).status).toBe(404);
    expect((await bob.request('DELETE', `/api/v1/events/${id}`)).status).toBe(404);
    const agenda = await bob.request('GET', '/api/v1/agenda?from=2027-03-01T00:00:00Z&to=2027-03-02T00:00:00Z');
    expect(agenda.body.events).toEqual([]);
    expect((await alice.request('GET', `/api/v1/events/${id}`)).body.title).toBe('Secret');
  });
});
