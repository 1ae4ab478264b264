import { spawn } from 'node:child_process';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { testDatabaseAdminUrl, testPgBinDir } from '../../harness/context.ts';
import { findFreePort } from '../../harness/processes.ts';
import { findObject, podSpecOf, renderChart } from './chart.ts';

// Runs the shell commands that the chart puts into containers (the migration Job's wait for PostgreSQL
// and PostgreSQL's probe) with the real pg_isready against the test PostgreSQL server.

interface ShellContainer {
  name: string;
  command?: string[];
  startupProbe?: { exec: { command: string[] } };
}

interface ShellResult {
  code: number | null;
  output: string;
  killed: boolean;
}

/** Runs argv with PATH led by the PostgreSQL tools; kills it after timeoutMs. */
function runShell(argv: string[], env: Record<string, string>, timeoutMs: number): Promise<ShellResult> {
  return new Promise((resolve) => {
    const [command = 'sh', ...args] = argv;
    const child = spawn(command, args, {
      env: { PATH: `${testPgBinDir()}:${process.env.PATH ?? ''}`, ...env },
    });
    let output = '';
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output, killed });
    });
  });
}

/** Converts a postgres:// URL to the libpq variables that the database Secret gives the containers. */
function libpqEnvironment(url: string): Record<string, string> {
  const parsed = new URL(url);
  return {
    PGHOST: parsed.hostname,
    PGPORT: parsed.port || '5432',
    PGDATABASE: parsed.pathname.slice(1) || 'postgres',
    PGUSER: decodeURIComponent(parsed.username),
    PGPASSWORD: decodeURIComponent(parsed.password),
  };
}

describe('migration wait for PostgreSQL', () => {
  let waitCommand: string[];

  beforeAll(async () => {
    const objects = await renderChart({ releaseName: 'demo' });
    const spec = podSpecOf(findObject(objects, 'Job', 'demo-planner-migrate-1')) as {
      initContainers: ShellContainer[];
    };
    waitCommand = spec.initContainers.find((container) => container.name === 'wait-for-database')?.command ?? [];
    expect(waitCommand.slice(0, 2)).toEqual(['sh', '-c']);
  });

  it('returns at once when PostgreSQL accepts connections', async () => {
    const result = await runShell(waitCommand, libpqEnvironment(testDatabaseAdminUrl()), 20_000);
    expect(result.killed).toBe(false);
    expect(result.output).toContain('accepting connections');
    expect(result.code).toBe(0);
  });

  it('returns at once with a DATABASE_URL', async () => {
    const result = await runShell(waitCommand, { DATABASE_URL: testDatabaseAdminUrl() }, 20_000);
    expect(result.killed).toBe(false);
    expect(result.code).toBe(0);
  });

  it('keeps retrying while nothing listens', async () => {
    const port = String(await findFreePort());
    const environment = { ...libpqEnvironment(testDatabaseAdminUrl()), PGHOST: '127.0.0.1', PGPORT: port };
    const result = await runShell(waitCommand, environment, 3_000);
    expect(result.killed).toBe(true);
    expect(result.output).toContain('PostgreSQL is not accepting connections yet; retrying in 2 s');
  });
});

describe('PostgreSQL probe', () => {
  let probe: string[];

  beforeAll(async () => {
    const objects = await renderChart({ releaseName: 'demo' });
    const spec = podSpecOf(findObject(objects, 'StatefulSet', 'demo-planner-postgresql')) as {
      containers: ShellContainer[];
    };
    probe = spec.containers[0]?.startupProbe?.exec.command ?? [];
  });

  it('passes against a running server', async () => {
    const database = libpqEnvironment(testDatabaseAdminUrl());
    const result = await runShell(
      probe,
      { PGPORT: database.PGPORT ?? '', POSTGRES_USER: database.PGUSER ?? '', POSTGRES_DB: database.PGDATABASE ?? '' },
      20_000,
    );
    expect(result.output).toContain('accepting connections');
    expect(result.code).toBe(0);
  });

  it('fails when nothing listens', async () => {
    const port = String(await findFreePort());
    const result = await runShell(probe, { PGPORT: port, POSTGRES_USER: 'planner', POSTGRES_DB: 'planner' }, 20_000);
    expect(result.output).toContain('no response');
    expect(result.code).not.toBe(0);
  });
});
