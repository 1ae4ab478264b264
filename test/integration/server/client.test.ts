import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fillDemoData, PlannerApiError, PlannerClient } from '../../../server/client/planner-client.ts';
import { startTestServer, type TestServer } from './support.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer('client');
});

afterAll(async () => {
  await server.stop();
});

describe('planner client', () => {
  it('fills demo data through the API', async () => {
    const data = await fillDemoData(server.baseUrl, { email: 'demo@example.com', password: 'demo password 1' });
    expect(data.projects.map((project) => project.name)).toEqual(['Website', 'Finance']);
    expect(data.commandResults).toHaveLength(3);

    const client = new PlannerClient(server.baseUrl, data.session.token);
    const open = await client.listTasks({ status: 'todo', sort: 'dueAt' });
    expect(open.items.map((task) => task.title)).toEqual(
      expect.arrayContaining(['Draft the landing page copy', 'Review the landing page', 'Renew the domain name']),
    );
    const done = await client.listTasks({ status: 'done' });
    expect(done.items.map((task) => task.title)).toEqual(['Send the December invoices']);
  });

  it('deletes a project with its tasks only when asked to cascade', async () => {
    const client = new PlannerClient(server.baseUrl);
    await client.register('cascade@example.com', 'cascade password');
    const project = await client.createProject({ name: 'Temporary' });
    await client.createTask({ title: 'Inside', projectId: project.id });
    await expect(client.deleteProject(project.id)).rejects.toMatchObject({ status: 409 });
    expect(await client.deleteProject(project.id, true)).toEqual({ deletedTasks: 1 });
  });

  it('raises the problem document on errors', async () => {
    const client = new PlannerClient(server.baseUrl);
    const failure = await client.login('nobody@example.com', 'wrong password').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PlannerApiError);
    expect((failure as PlannerApiError).status).toBe(401);
    expect((failure as PlannerApiError).problem).toMatchObject({ type: '/problems/unauthorized' });
  });
});
