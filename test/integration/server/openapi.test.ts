import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { toOpenApiPath } from '../../../server/http/openapi.ts';
import type { AnyRoute } from '../../../server/http/routing.ts';
import { ApiClient, registerUser, startTestServer, type ApiResponse, type TestServer } from './support.ts';

let server: TestServer;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let document: any;

beforeAll(async () => {
  server = await startTestServer('openapi');
  document = (await new ApiClient(server.baseUrl).request('GET', '/api/v1/openapi.json')).body;
});

afterAll(async () => {
  await server.stop();
});

const placeholderId = '00000000-0000-4000-8000-000000000000';

function operations(): { method: string; path: string }[] {
  return Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => ({ method, path })),
  );
}

function routeFor(method: string, template: string): AnyRoute {
  const route = server.running.routes.find((item) => item.method === method && item.path === template);
  if (route === undefined) throw new Error(`no route ${method} ${template}`);
  return route;
}

/** Checks a response body against the schema the route documents for its status. */
function expectDocumented(method: string, template: string, response: ApiResponse): void {
  const spec = routeFor(method, template).responses[response.status];
  expect({ status: response.status, documented: spec !== undefined }).toEqual({
    status: response.status,
    documented: true,
  });
  const result = spec?.schema?.safeParse(response.body);
  if (result !== undefined && !result.success) {
    throw new Error(`${method} ${template} ${response.status} does not match its schema: ${result.error.message}`);
  }
}

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 with every route and nothing else', () => {
    expect(document.openapi).toBe('3.1.0');
    const documented = operations()
      .map((operation) => `${operation.method} ${operation.path}`)
      .sort();
    const routed = server.running.routes.map((route) => `${route.method} ${toOpenApiPath(route.path)}`).sort();
    expect(documented).toEqual(routed);
    const ids = server.running.routes.map((route) => route.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('resolves every schema reference', () => {
    const text = JSON.stringify(document);
    const references = [...text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map(
      (match) => match[1] as string,
    );
    expect(references.length).toBeGreaterThan(0);
    for (const name of new Set(references)) expect(Object.keys(document.components.schemas)).toContain(name);
    expect(text).not.toContain('#/$defs/');
  });

  it('documents path parameters of every templated path', () => {
    for (const { method, path } of operations()) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      const parameters = (document.paths[path][method].parameters as { name: string; in: string }[])
        .filter((parameter) => parameter.in === 'path')
        .map((parameter) => parameter.name);
      expect({ operation: `${method} ${path}`, parameters }).toEqual({
        operation: `${method} ${path}`,
        parameters: names,
      });
    }
  });

  it('has a handler behind every documented operation', async () => {
    const anonymous = new ApiClient(server.baseUrl);
    for (const { method, path } of operations()) {
      const concrete = path.replace(/\{\w+\}/g, placeholderId);
      const response = await anonymous.request(
        method.toUpperCase(),
        concrete,
        method === 'get' || method === 'delete' ? undefined : {},
      );
      expect({ operation: `${method} ${path}`, status: response.status }).not.toEqual({
        operation: `${method} ${path}`,
        status: 404,
      });
    }
    const unknown = await anonymous.request('GET', '/api/v1/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
  });

  it('matches the bodies the server sends', async () => {
    const anonymous = new ApiClient(server.baseUrl);
    expectDocumented('get', '/', await anonymous.request('GET', '/'));
    expectDocumented('get', '/health', await anonymous.request('GET', '/health'));
    expectDocumented('get', '/ready', await anonymous.request('GET', '/ready'));
    expectDocumented('post', '/api/v1/auth/register', await anonymous.request('POST', '/api/v1/auth/register', {}));

    const { client, email, password } = await registerUser(server.baseUrl, 'openapi');
    expectDocumented(
      'post',
      '/api/v1/auth/login',
      await anonymous.request('POST', '/api/v1/auth/login', { email, password }),
    );
    expectDocumented('get', '/api/v1/auth/me', await client.request('GET', '/api/v1/auth/me'));

    const project = await client.request('POST', '/api/v1/projects', { name: 'Documented' });
    expectDocumented('post', '/api/v1/projects', project);
    expectDocumented('get', '/api/v1/projects', await client.request('GET', '/api/v1/projects'));
    expectDocumented(
      'patch',
      '/api/v1/projects/:id',
      await client.request('PATCH', `/api/v1/projects/${project.body.id}`, { colour: '#000000' }),
    );

    const task = await client.request('POST', '/api/v1/tasks', {
      title: 'Documented',
      projectId: project.body.id,
      dueAt: '2027-01-01T10:00:00Z',
    });
    expectDocumented('post', '/api/v1/tasks', task);
    expectDocumented('get', '/api/v1/tasks', await client.request('GET', '/api/v1/tasks?limit=1'));
    expectDocumented('get', '/api/v1/tasks/:id', await client.request('GET', `/api/v1/tasks/${task.body.id}`));
    expectDocumented('get', '/api/v1/tasks/:id', await client.request('GET', `/api/v1/tasks/${placeholderId}`));
    expectDocumented(
      'delete',
      '/api/v1/projects/:id',
      await client.request('DELETE', `/api/v1/projects/${project.body.id}`),
    );

    const created = await client.request('POST', '/api/v1/events', {
      title: 'Doc',
      startAt: '2027-01-01T10:00:00Z',
      endAt: '2027-01-01T11:00:00Z',
    });
    expectDocumented('post', '/api/v1/events', created);
    expectDocumented(
      'get',
      '/api/v1/agenda',
      await client.request('GET', '/api/v1/agenda?from=2027-01-01T00:00:00Z&to=2027-01-02T00:00:00Z'),
    );
    expectDocumented(
      'post',
      '/api/v1/commands',
      await client.request('POST', '/api/v1/commands', {
        text: 'buy milk; lunch with Jo tomorrow at 1pm; show my tasks',
        execute: true,
      }),
    );
    expectDocumented(
      'post',
      '/api/v1/commands',
      await client.request('POST', '/api/v1/commands', { text: 'mark the unicorn as done', execute: true }),
    );
  });
});
