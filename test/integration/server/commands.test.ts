import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ApiClient } from './support.ts';
import { registerUser, startTestServer, type TestServer } from './support.ts';

const now = '2026-12-02T10:00:00Z';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer('commands');
});

afterAll(async () => {
  await server.stop();
});

async function command(client: ApiClient, text: string, execute = true, extra: Record<string, unknown> = {}) {
  return client.request('POST', '/api/v1/commands', { text, execute, now, ...extra });
}

describe('commands with the embedded interpreter', () => {
  it('plans without changing anything unless execute is true', async () => {
    const { client } = await registerUser(server.baseUrl, 'planner');
    const planned = await command(client, 'remind me to send the report Friday 9am #finance', false);
    expect(planned.status).toBe(200);
    expect(planned.body).toMatchObject({ interpreter: 'embedded', fallback: null, executed: false, results: [] });
    expect(planned.body.actions).toEqual([
      {
        type: 'create_task',
        title: 'Send the report',
        dueAt: '2026-12-04T09:00:00.000Z',
        priority: 'medium',
        tags: ['finance'],
        project: null,
        estimateMinutes: null,
        recurrence: null,
      },
    ]);
    expect((await client.request('GET', '/api/v1/tasks')).body.items).toEqual([]);
  });

  it('creates, reschedules, completes and lists through commands', async () => {
    const { client } = await registerUser(server.baseUrl, 'doer');
    await client.request('POST', '/api/v1/projects', { name: 'Finance' });

    const created = await command(client, 'send the quarterly report Friday 9am #finance +Finance !high');
    expect(created.status).toBe(200);
    const task = created.body.results[0].task;
    expect(task).toMatchObject({ title: 'Send the quarterly report', priority: 'high', tags: ['finance'] });
    expect(task.projectId).not.toBeNull();

    const event = await command(client, 'meeting with design tomorrow 3-4pm');
    expect(event.body.results[0].event).toMatchObject({
      title: 'Meeting with design',
      startAt: '2026-12-03T15:00:00.000Z',
      endAt: '2026-12-03T16:00:00.000Z',
    });

    const moved = await command(client, 'move the quarterly report to next Tuesday at 11am');
    expect(moved.body.results[0].task).toMatchObject({ id: task.id, dueAt: '2026-12-08T11:00:00.000Z' });

    const listed = await command(client, 'show my tasks for next week');
    expect(listed.body.results[0].tasks.map((item: { id: string }) => item.id)).toEqual([task.id]);
    const agenda = await command(client, 'what do I have tomorrow?');
    expect(agenda.body.results[0].events.map((item: { title: string }) => item.title)).toEqual(['Meeting with design']);

    const done = await command(client, 'mark the quarterly report as done');
    expect(done.body.results[0].task).toMatchObject({ id: task.id, status: 'done' });
  });

  it('runs several clauses in one transaction and rolls all back on failure', async () => {
    const { client } = await registerUser(server.baseUrl, 'atomic');
    const failed = await command(client, 'buy milk; write the plan in project Nowhere');
    expect(failed.status).toBe(422);
    expect(failed.body.detail).toContain('Nowhere');
    expect((await client.request('GET', '/api/v1/tasks')).body.items).toEqual([]);

    const both = await command(client, 'buy milk; call the bank tomorrow at 10am');
    expect(both.body.results.map((result: { type: string }) => result.type)).toEqual(['create_task', 'create_task']);
    expect((await client.request('GET', '/api/v1/tasks')).body.items).toHaveLength(2);
  });

  it('rejects an ambiguous or unknown task name', async () => {
    const { client } = await registerUser(server.baseUrl, 'ambiguous');
    await command(client, 'write report for Alice; write report for Bob');
    const ambiguous = await command(client, 'complete write report');
    expect(ambiguous.status).toBe(409);
    expect(ambiguous.body.detail).toContain('Write report for Alice');
    const unknown = await command(client, 'mark the tax return as done');
    expect(unknown.status).toBe(422);
  });

  it('reads times in the caller’s time zone', async () => {
    const { client } = await registerUser(server.baseUrl, 'zoned');
    const response = await command(client, 'call the plumber tomorrow at 9am', false, { timeZone: 'America/New_York' });
    expect(response.body.actions[0].dueAt).toBe('2026-12-03T14:00:00.000Z');
  });

  it.each([
    ['blank text', { text: '   ' }, '/text'],
    ['an unknown time zone', { text: 'buy milk', timeZone: 'Mars/Olympus' }, '/timeZone'],
    ['a non-boolean execute', { text: 'buy milk', execute: 'yes' }, '/execute'],
  ])('rejects %s', async (_case, body, pointer) => {
    const { client } = await registerUser(server.baseUrl, 'invalid');
    const response = await client.request('POST', '/api/v1/commands', body);
    expect(response.status).toBe(400);
    expect(response.body.errors[0].pointer).toBe(pointer);
  });

  it('counts outcomes in the metrics', async () => {
    const metrics = await (await fetch(`${server.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/planner_command_interpretations_total\{interpreter="embedded",outcome="executed"\} [1-9]/);
    expect(metrics).toMatch(/planner_command_interpretations_total\{interpreter="embedded",outcome="planned"\} [1-9]/);
  });
});

describe('commands with an LLM interpreter', () => {
  type Mode = 'valid' | 'invalid' | 'slow' | 'error';
  let mode: Mode = 'valid';
  let fake: Server;
  let llmServer: TestServer;
  const requests: { authorization: string | undefined; body: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    fake = createServer((request, response) => {
      let raw = '';
      request.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      request.on('end', () => {
        requests.push({ authorization: request.headers.authorization, body: JSON.parse(raw) });
        const reply = (content: string): void => {
          response.setHeader('content-type', 'application/json');
          response.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content } }] }));
        };
        if (mode === 'error') {
          response.statusCode = 500;
          response.end('{}');
        } else if (mode === 'slow') {
          setTimeout(() => reply('{"actions":[]}'), 1500).unref();
        } else if (mode === 'invalid') {
          reply('{"actions":[{"type":"create_task","title":"Missing fields"}]}');
        } else {
          reply(
            JSON.stringify({
              actions: [
                {
                  type: 'create_task',
                  title: 'From the model',
                  dueAt: null,
                  priority: 'low',
                  tags: [],
                  project: null,
                  estimateMinutes: 15,
                  recurrence: null,
                },
              ],
            }),
          );
        }
      });
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    const port = (fake.address() as AddressInfo).port;
    llmServer = await startTestServer('commandsllm', {
      env: {
        LLM_BASE_URL: `http://127.0.0.1:${port}/v1`,
        LLM_MODEL: 'test-model',
        LLM_API_KEY: 'sk-test-key',
        LLM_TIMEOUT_MS: '400',
      },
    });
  });

  afterAll(async () => {
    await llmServer.stop();
    fake.closeAllConnections();
    await new Promise((resolve) => fake.close(resolve));
  });

  it('uses the model’s plan when it fits the schema', async () => {
    mode = 'valid';
    const { client } = await registerUser(llmServer.baseUrl, 'llm');
    const response = await command(client, 'something the model reads');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ interpreter: 'llm', fallback: null });
    expect(response.body.results[0].task).toMatchObject({
      title: 'From the model',
      priority: 'low',
      estimateMinutes: 15,
    });
    const sent = requests.at(-1);
    expect(sent?.authorization).toBe('Bearer sk-test-key');
    expect(sent?.body.model).toBe('test-model');
  });

  it.each([
    ['invalid', 'invalid_output'],
    ['slow', 'timeout'],
    ['error', 'http_error'],
  ] as const)('falls back to the embedded interpreter when the model is %s', async (failure, reason) => {
    mode = failure;
    const { client } = await registerUser(llmServer.baseUrl, 'fallback');
    const response = await command(client, 'buy oat milk tomorrow');
    expect(response.status).toBe(200);
    expect(response.body.interpreter).toBe('embedded');
    expect(response.body.fallback).toMatchObject({ from: 'llm', reason });
    expect(response.body.results[0].task.title).toBe('Buy oat milk');
  });
});
