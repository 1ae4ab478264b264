import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';

/** A child process started by the harness, with its output captured in a log file. */
export interface ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly logFile: string;
  /** Stops the process: SIGTERM, then SIGKILL after the grace period. Safe to call twice. */
  stop(graceMs?: number): Promise<void>;
  /** Resolves when the process has exited, with its exit code (null after a signal). */
  readonly exited: Promise<number | null>;
}

/**
 * Starts a long-running program with stdout and stderr appended to logFile.
 * A process that exits while the harness still needs it is reported through
 * `exited`; callers that wait for readiness race against it.
 */
export function startProcess(
  name: string,
  command: string,
  args: readonly string[],
  logFile: string,
  options: SpawnOptions = {},
): ManagedProcess {
  const log: WriteStream = createWriteStream(logFile, { flags: 'a' });
  // A process group of its own keeps a terminal's Ctrl-C away from the services, so the harness
  // can stop them in order. A run that was killed outright is reaped by the next one.
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });

  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', (error) => {
      log.write(`failed to start ${command}: ${error.message}\n`);
      resolve(-1);
    });
  });
  void exited.then(() => log.end());

  const stop = async (graceMs = 10_000): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
      await exited;
      return;
    }
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };

  return { name, child, logFile, stop, exited };
}

/** Returns a TCP port on 127.0.0.1 that was free a moment ago. */
export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error('could not read the port of a probe listener'));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

/** Options for {@link waitFor}. */
export interface WaitOptions {
  /** What is being waited for, used in the timeout message. */
  description: string;
  timeoutMs: number;
  intervalMs?: number;
  /** A process whose exit aborts the wait at once. */
  process?: ManagedProcess;
}

/**
 * Polls `check` until it returns a value other than undefined, and returns it.
 * Throws when the deadline passes or the watched process exits first; the last
 * error thrown by `check` becomes the cause.
 */
export async function waitFor<T>(check: () => Promise<T | undefined>, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  let exitCode: number | null | undefined;
  void options.process?.exited.then((code) => {
    exitCode = code;
  });

  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new Error(
        `${options.process?.name} exited with code ${String(exitCode)} while waiting for ${options.description}; see ${options.process?.logFile}`,
      );
    }
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
  throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.description}`, {
    cause: lastError,
  });
}

/**
 * Polls `read` until `accept` takes its value, and returns that value. On timeout the error
 * includes the last value read, so a failing test shows what it saw.
 */
export async function eventually<T>(
  description: string,
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  let last: T | undefined;
  try {
    // The box lets an accepted value be undefined, which waitFor would take for "not yet".
    const found = await waitFor(
      async () => {
        last = await read();
        return accept(last) ? { value: last } : undefined;
      },
      { description, timeoutMs, intervalMs: 100 },
    );
    return found.value;
  } catch (error) {
    throw new Error(`${(error as Error).message}; last value: ${JSON.stringify(last)?.slice(0, 2000)}`, {
      cause: error,
    });
  }
}

/** Runs a short command to completion and returns its stdout; throws with its stderr on failure. */
export async function runCommand(
  command: string,
  args: readonly string[],
  options: SpawnOptions & { input?: string } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    // A program that exits without reading its input makes this write fail with EPIPE. Its exit code is reported instead.
    child.stdin?.on('error', () => undefined);
    child.once('exit', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} ${args.join(' ')} exited with code ${String(code)}: ${stderr.trim()}`));
    });
    child.stdin?.end(options.input ?? '');
  });
}
