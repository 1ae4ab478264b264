import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createFileDatabase } from '../../harness/context.ts';
import { findFreePort, startProcess, waitFor, type ManagedProcess } from '../../harness/processes.ts';
import { repositoryRoot } from '../../harness/paths.ts';
import type { TestDatabase } from '../../harness/postgres.ts';
import { findObject, podSpecOf, renderChart, type RenderedObject } from './chart.ts';

// Runs the built server with exactly the environment that the chart gives its containers (the
// ConfigMap, the Secrets and the literal variables, resolved from the rendered objects) against the
// test PostgreSQL: the migration Job's command first, then the server, then the helm test pod's script.
// This checks the contract between the chart and the server that rendering alone cannot.

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: { name: string; key: string } };
}

interface ContainerSpec {
  name: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
}

/** Resolves a container's environment from the rendered ConfigMaps and Secrets, as the kubelet would. */
function resolveEnvironment(container: ContainerSpec, objects: readonly RenderedObject[]): Record<string, string> {
  const configMap = (name: string): Record<string, string> =>
    (findObject(objects, 'ConfigMap', name).data as Record<string, string> | undefined) ?? {};
  const secret = (name: string): Record<string, string> =>
    Object.fromEntries(
      Object.entries((findObject(objects, 'Secret', name).data as Record<string, string> | undefined) ?? {}).map(
        ([key, value]) => [key, Buffer.from(value, 'base64').toString()],
      ),
    );
  const environment: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef !== undefined) Object.assign(environment, configMap(source.configMapRef.name));
    if (source.secretRef !== undefined) Object.assign(environment, secret(source.secretRef.name));
  }
  for (const variable of container.env ?? []) {
    const secretRef = variable.valueFrom?.secretKeyRef;
    const configMapRef = variable.valueFrom?.configMapKeyRef;
    let value = variable.value;
    if (secretRef !== undefined) value = secret(secretRef.name)[secretRef.key];
    if (configMapRef !== undefined) value = configMap(configMapRef.name)[configMapRef.key];
    if (value === undefined) throw new Error(`environment variable ${variable.name} of ${container.name} has no value`);
    environment[variable.name] = value;
  }
  return environment;
}

/** Runs a planner program from dist/ to completion with only the given environment (and PATH). */
function runProgram(
  argv: string[],
  environment: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, argv, { env: { PATH: process.env.PATH ?? '', ...environment } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('close', (code) => resolve({ code, output }));
  });
}

/** Maps a command of the chart (planner-server ...) to node's arguments: the built file of package.json's bin. */
function hostArgv(command: readonly string[]): string[] {
  const [program, ...args] = command;
  const { bin } = JSON.parse(readFileSync(join(repositoryRoot, 'package.json'), 'utf8')) as {
    bin: Record<string, string>;
  };
  const target = bin[program ?? ''];
  if (target === undefined) throw new Error(`${String(program)} is not in package.json "bin"`);
  const file = join(repositoryRoot, target);
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build`);
  return [file, ...args];
}

describe('server started with the chart environment', () => {
  let database: TestDatabase;
  let objects: RenderedObject[];
  let port: number;
  let server: ManagedProcess | undefined;
  let logFolder: string;

  beforeAll(async () => {
    database = await createFileDatabase('chart');
    logFolder = await mkdtemp(join(tmpdir(), 'planner-chart-server-'));
    port = await findFreePort();
    const url = new URL(database.url);
    objects = await renderChart({
      releaseName: 'demo',
      crdsServed: true,
      values: {
        postgresql: { enabled: false },
        externalDatabase: {
          host: url.hostname,
          port: Number(url.port),
          database: database.name,
          username: decodeURIComponent(url.username),
          password: decodeURIComponent(url.password),
        },
        // The chart's own settings, with the port moved off 8080 and the listener kept on loopback.
        server: { containerPort: port, extraEnv: [{ name: 'HOST', value: '127.0.0.1' }], logLevel: 'warn' },
      },
    });
  });

  afterAll(async () => {
    await server?.stop();
    await database?.drop();
    await rm(logFolder, { recursive: true, force: true });
  });

  it('migrates with the migration Job environment', async () => {
    const job = findObject(objects, 'Job', 'demo-planner-migrate-1');
    const container = (podSpecOf(job) as { containers: ContainerSpec[] }).containers[0];
    if (container === undefined) throw new Error('the migration Job has no container');
    const result = await runProgram(hostArgv(container.command ?? []), resolveEnvironment(container, objects));
    expect(result.output).not.toContain('"level":"error"');
    expect(result.code).toBe(0);
  }, 60_000);

  it('serves and passes the helm test', async () => {
    const deployment = findObject(objects, 'Deployment', 'demo-planner-server');
    const container = (podSpecOf(deployment) as { containers: ContainerSpec[] }).containers[0];
    if (container === undefined) throw new Error('the server Deployment has no container');
    const environment = resolveEnvironment(container, objects);
    expect(environment.TOKEN_SECRET).toMatch(/^[A-Za-z0-9]{32}$/);

    server = startProcess(
      'planner-server',
      process.execPath,
      hostArgv(container.command ?? []),
      join(logFolder, 'server.log'),
      {
        env: { PATH: process.env.PATH ?? '', ...environment },
      },
    );
    const base = `http://127.0.0.1:${port}`;
    await waitFor(async () => ((await fetch(`${base}/ready`)).status === 200 ? true : undefined), {
      description: `the server's /ready at ${base}`,
      timeoutMs: 30_000,
      intervalMs: 250,
      process: server,
    });

    const testPod = findObject(objects, 'Pod', 'demo-planner-test-connection');
    const check = (podSpecOf(testPod) as { containers: ContainerSpec[] }).containers[0];
    const script = check?.args?.[0] ?? '';
    const result = await runProgram(['--input-type=module', '--eval', script], { SERVER_URL: base });
    expect(result.output).toContain('GET /health: 200');
    expect(result.output).toContain('GET /ready: 200');
    expect(result.code).toBe(0);
  }, 60_000);
});
