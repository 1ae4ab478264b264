import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repositoryRoot } from '../../harness/paths.ts';
import { findFreePort, startProcess, waitFor, type ManagedProcess } from '../../harness/processes.ts';
import { testEnvironment } from './support.ts';

/** The server running as its own process, as `planner-server` would in a container. */
export interface ChildServer {
  readonly baseUrl: string;
  readonly process: ManagedProcess;
  /** Parsed JSON log lines written so far. */
  logs(): Promise<Record<string, unknown>[]>;
  /** Stops the process if still running and removes its log folder. */
  cleanup(): Promise<void>;
}

/**
 * Starts `node server/cli.ts` against a database URL and waits until it
 * responds to /health (not /ready: callers decide what readiness to expect).
 */
export async function startChildServer(databaseUrl: string, env: Record<string, string> = {}): Promise<ChildServer> {
  const folder = await mkdtemp(join(tmpdir(), 'planner-server-'));
  const port = await findFreePort();
  const logFile = join(folder, 'server.log');
  const child = startProcess('planner-server', process.execPath, [join(repositoryRoot, 'server', 'cli.ts')], logFile, {
    env: { PATH: process.env.PATH, ...testEnvironment(databaseUrl, { PORT: String(port), ...env }) },
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitFor(async () => ((await fetch(`${baseUrl}/health`)).ok ? true : undefined), {
    description: 'the server process to answer /health',
    timeoutMs: 15_000,
    process: child,
  });
  return {
    baseUrl,
    process: child,
    async logs() {
      const text = await readFile(logFile, 'utf8');
      return text
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    async cleanup() {
      await child.stop(5000);
      await rm(folder, { recursive: true, force: true });
    },
  };
}
