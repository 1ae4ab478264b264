import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { repositoryRoot } from '../../harness/paths.ts';
import type { TestDatabase } from '../../harness/postgres.ts';
import { runCommand, waitFor } from '../../harness/processes.ts';
import { startChildServer, type ChildServer } from './child-server.ts';
import { createMigratedDatabase } from './support.ts';

let database: TestDatabase;
let server: ChildServer;

beforeAll(async () => {
  database = await createMigratedDatabase('walkthrough');
  server = await startChildServer(database.url);
  await waitFor(async () => ((await fetch(`${server.baseUrl}/ready`)).status === 200 ? true : undefined), {
    description: 'the server process to become ready',
    timeoutMs: 10_000,
  });
});

afterAll(async () => {
  await server.cleanup();
  await database.drop();
});

/** Returns the first sh block after the walkthrough heading of docs/server.md. */
async function walkthroughScript(): Promise<string> {
  const text = await readFile(join(repositoryRoot, 'docs', 'server.md'), 'utf8');
  const section = text.slice(text.indexOf('## Walkthrough with curl'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (block === undefined) throw new Error('docs/server.md has no sh block under "Walkthrough with curl"');
  return block;
}

describe('docs/server.md walkthrough', () => {
  it('works as written against a running server', async () => {
    const script = (await walkthroughScript()).replace('BASE=http://127.0.0.1:8080', `BASE=${server.baseUrl}`);
    expect(script).toContain(`BASE=${server.baseUrl}`);
    const output = await runCommand('bash', ['-euo', 'pipefail', '-c', script], { env: { PATH: process.env.PATH } });
    const documents = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line));
    expect(documents).toHaveLength(4);
    const [registered, project, command, tasks] = documents;
    expect(registered.user.email).toBe('ada@example.com');
    expect(project.name).toBe('Finance');
    expect(command.executed).toBe(true);
    expect(command.results.map((result: { type: string }) => result.type)).toEqual(['create_task', 'create_event']);
    expect(tasks.items).toHaveLength(1);
    expect(tasks.items[0]).toMatchObject({ title: 'Send the report', tags: ['finance'], projectId: project.id });
  });
});
