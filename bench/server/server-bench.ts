/**
 * Benchmark of the planner server against a bare node:http + pg baseline
 * that runs the same SQL on the same database, in the same run.
 *
 *   node bench/server/server-bench.ts            (after npm run build)
 *
 * Starts a private PostgreSQL, migrates it and seeds 100,000 tasks for one
 * user. For each scenario (GET a page of 50, POST one task) it then measures
 * each target's maximum throughput with autocannon in alternating rounds, and
 * the latency at half of the median maximum: with autocannon's rate option,
 * and with evenly paced requests (paced-load.ts) sent to both targets at half
 * of the server's maximum. Prints a Markdown table for docs/benchmarks.md.
 *
 * Environment: BENCH_DURATION_S (default 10), BENCH_CONNECTIONS (default 32),
 * BENCH_ROUNDS (default 3),
 * BENCH_CPU_PROFILE_DIR (write V8 CPU profiles of the server and the baseline there).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { repositoryRoot } from '../../test/harness/paths.ts';
import { createTestDatabase, startPostgres } from '../../test/harness/postgres.ts';
import { findFreePort, waitFor } from '../../test/harness/processes.ts';
import { runPacedLoad, type PacedLoadResult } from './paced-load.ts';

const durationSeconds = Number(process.env.BENCH_DURATION_S ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const seededTasks = 100_000;
const poolMax = '10';
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
/** USER_HZ of Linux's /proc/<pid>/stat times. */
const clockTicksPerSecond = 100;
const loadBefore = loadavg();

/** Returns the sample with the median throughput. */
function median(samples: Measurement[]): Measurement {
  const sorted = [...samples].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
  return sorted[Math.floor(sorted.length / 2)] as Measurement;
}

const cli = join(repositoryRoot, 'dist', 'server', 'cli.js');
if (!existsSync(cli)) throw new Error(`${cli} is missing; run npm run build first`);

interface Measurement {
  readonly requestsPerSecond: number;
  /** CPU time (user + system) the target process spent per completed request, in microseconds. */
  readonly cpuMicrosPerRequest: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly non2xx: number;
}

function startNode(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: 'ignore' });
}

async function waitForHttp(url: string, expectStatus: number, child: ChildProcess): Promise<void> {
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`${url} exited with ${child.exitCode}`);
      return (await fetch(url)).status === expectStatus ? true : undefined;
    },
    { description: url, timeoutMs: 20_000 },
  );
}

/** User plus system CPU time of a process so far, in microseconds, from /proc (Linux only). */
function cpuMicros(pid: number | undefined): number {
  if (pid === undefined || !existsSync(`/proc/${pid}/stat`)) return Number.NaN;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1e6) / clockTicksPerSecond;
}

async function measure(
  url: string,
  method: 'GET' | 'POST',
  token: string | undefined,
  pid: number | undefined,
  overallRate?: number,
): Promise<Measurement> {
  const cpuBefore = cpuMicros(pid);
  const result = await autocannon({
    url,
    method,
    connections,
    duration: durationSeconds,
    ...(overallRate === undefined ? {} : { overallRate }),
    headers: {
      'content-type': 'application/json',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    ...(method === 'POST' ? { body: JSON.stringify({ title: 'bench task', priority: 'high', tags: ['bench'] }) } : {}),
  });
  const completed = result.requests.total;
  return {
    requestsPerSecond: result.requests.average,
    cpuMicrosPerRequest: Math.round((cpuMicros(pid) - cpuBefore) / Math.max(1, completed)),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

async function seed(databaseUrl: string, userId: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO tasks (user_id, title, status, priority, tags, due_at, created_at, updated_at)
       SELECT $1, 'Seeded task ' || n,
              (ARRAY['todo','in_progress','blocked','done'])[1 + n % 4],
              (ARRAY['low','medium','high','urgent'])[1 + n % 4],
              ARRAY['tag' || (n % 20)],
              now() + (n % 365) * interval '1 day',
              now() - (${seededTasks} - n) * interval '1 second',
              now() - (${seededTasks} - n) * interval '1 second'
       FROM generate_series(1, ${seededTasks}) AS n`,
      [userId],
    );
    await client.query('ANALYZE tasks');
  } finally {
    await client.end();
  }
}

const postgres = await startPostgres();
const children: ChildProcess[] = [];
try {
  const database = await createTestDatabase(postgres.url, 'bench');
  const common = { DATABASE_URL: database.url, DATABASE_POOL_MAX: poolMax };
  const migrate = startNode([cli, 'migrate'], { ...common, NODE_ENV: 'production', LOG_LEVEL: 'warn' });
  const migrated = await new Promise<number | null>((resolve) => migrate.once('exit', resolve));
  if (migrated !== 0) throw new Error(`migrate exited with ${migrated}`);

  const serverPort = await findFreePort();
  const profile = process.env.BENCH_CPU_PROFILE_DIR;
  const server = startNode([...(profile === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profile}`]), cli], {
    ...common,
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    PORT: String(serverPort),
    TOKEN_SECRET: randomBytes(32).toString('hex'),
    SHUTDOWN_DRAIN_DELAY_MS: '0',
  });
  children.push(server);
  const serverUrl = `http://127.0.0.1:${serverPort}`;
  await waitForHttp(`${serverUrl}/ready`, 200, server);

  const registered = await fetch(`${serverUrl}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'bench@example.com', password: 'benchmark password' }),
  });
  const session = (await registered.json()) as { token: string; user: { id: string } };
  await seed(database.url, session.user.id);

  const baselinePort = await findFreePort();
  const baselineScript = join(repositoryRoot, 'bench', 'server', 'baseline.ts');
  const baseline = startNode(
    [...(profile === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profile}`]), baselineScript],
    {
      ...common,
      PORT: String(baselinePort),
      BENCH_USER_ID: session.user.id,
    },
  );
  children.push(baseline);
  const baselineUrl = `http://127.0.0.1:${baselinePort}`;
  await waitForHttp(`${baselineUrl}/api/v1/tasks`, 200, baseline);

  const serverPage = (await (
    await fetch(`${serverUrl}/api/v1/tasks?limit=50`, { headers: { authorization: `Bearer ${session.token}` } })
  ).json()) as unknown;
  const baselinePage = (await (await fetch(`${baselineUrl}/api/v1/tasks?limit=50`)).json()) as unknown;
  if (JSON.stringify(serverPage) !== JSON.stringify(baselinePage))
    throw new Error('the baseline returns another page than the server');

  const createBody = JSON.stringify({ title: 'bench check', priority: 'high', tags: ['bench'] });
  const createdByServer = (await (
    await fetch(`${serverUrl}/api/v1/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
      body: createBody,
    })
  ).json()) as Record<string, unknown>;
  const createdByBaseline = (await (
    await fetch(`${baselineUrl}/api/v1/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: createBody,
    })
  ).json()) as Record<string, unknown>;
  const comparable = (task: Record<string, unknown>): string =>
    JSON.stringify({ ...task, id: undefined, createdAt: undefined, updatedAt: undefined });
  if (comparable(createdByServer) !== comparable(createdByBaseline)) {
    throw new Error('the baseline creates another task than the server');
  }

  const rows: string[] = [];
  const scenarios = [
    { name: 'GET /api/v1/tasks?limit=50', method: 'GET' as const, path: '/api/v1/tasks?limit=50' },
    { name: 'POST /api/v1/tasks', method: 'POST' as const, path: '/api/v1/tasks' },
  ];
  for (const scenario of scenarios) {
    const samples: Record<'baseline' | 'server', Measurement[]> = { baseline: [], server: [] };
    const targets = [
      ['baseline', baselineUrl, undefined, baseline.pid],
      ['server', serverUrl, session.token, server.pid],
    ] as const;
    for (const [, base, token, pid] of targets)
      await measure(`${base}${scenario.path}`, scenario.method, token, pid, 200);
    // Rounds alternate between the targets so that load from other processes on a shared machine hits both alike.
    for (let round = 0; round < rounds; round += 1) {
      for (const [target, base, token, pid] of targets) {
        samples[target].push(await measure(`${base}${scenario.path}`, scenario.method, token, pid));
      }
    }
    const baseMax = median(samples.baseline);
    const serverMax = median(samples.server);
    const halfRate = Math.max(1, Math.round(serverMax.requestsPerSecond / 2));
    const baseHalf = await measure(
      `${baselineUrl}${scenario.path}`,
      scenario.method,
      undefined,
      baseline.pid,
      Math.max(1, Math.round(baseMax.requestsPerSecond / 2)),
    );
    const serverHalf = await measure(
      `${serverUrl}${scenario.path}`,
      scenario.method,
      session.token,
      server.pid,
      halfRate,
    );
    const paced = (base: string, token: string | undefined, rate: number): Promise<PacedLoadResult> =>
      runPacedLoad({
        url: `${base}${scenario.path}`,
        method: scenario.method,
        headers: {
          'content-type': 'application/json',
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        },
        ...(scenario.method === 'POST' ? { body: createBody } : {}),
        rate,
        durationSeconds,
        warmupSeconds: 2,
        maxSockets: connections,
      });
    const basePaced = await paced(baselineUrl, undefined, halfRate);
    const serverPaced = await paced(serverUrl, session.token, halfRate);
    process.stderr.write(
      `${scenario.name}: ${JSON.stringify({ samples, baseHalf, serverHalf, basePaced, serverPaced })}\n`,
    );
    const errors =
      [...samples.server, serverHalf].reduce((sum, item) => sum + item.errors + item.non2xx, 0) +
      serverPaced.errors +
      serverPaced.non2xx;
    rows.push(
      `| ${scenario.name} | ${baseMax.requestsPerSecond.toFixed(0)} | ${serverMax.requestsPerSecond.toFixed(0)} | ${(serverMax.requestsPerSecond / baseMax.requestsPerSecond).toFixed(2)} | ${baseMax.cpuMicrosPerRequest} | ${serverMax.cpuMicrosPerRequest} | ${halfRate} | ${serverPaced.p50Ms} / ${serverPaced.p99Ms} | ${basePaced.p50Ms} / ${basePaced.p99Ms} | ${serverHalf.p99Ms} | ${baseHalf.p99Ms} | ${errors} |`,
    );
  }

  process.stdout.write(
    [
      `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node.js ${process.version}; PostgreSQL, server, baseline and autocannon share the machine.`,
      `Load average before the run: ${loadBefore.map((value) => value.toFixed(1)).join(', ')}.`,
      `Settings: ${rounds} alternating rounds per target (median shown), ${connections} connections, ${durationSeconds} s per measurement, DATABASE_POOL_MAX=${poolMax}, ${seededTasks} seeded tasks, server LOG_LEVEL=info (one JSON line per request).`,
      '',
      '| Scenario | Baseline req/s | Server req/s | Ratio | Baseline CPU µs/req | Server CPU µs/req | Half of the server maximum (req/s) | Server p50 / p99, paced (ms) | Baseline p50 / p99, paced (ms) | Server p99, autocannon rate (ms) | Baseline p99, autocannon rate at its own half (ms) | Server errors |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...rows,
      '',
    ].join('\n'),
  );
} finally {
  for (const child of children) child.kill('SIGTERM');
  await postgres.stop();
}
