import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { open, readFile, rm, stat } from 'node:fs/promises';

/** Everything needed to start one container as a host process: `node file ...args`. */
export interface ContainerProcessSpec {
  readonly file: string;
  readonly args: readonly string[];
  readonly environment: Readonly<Record<string, string>>;
  readonly workingDirectory: string;
  /** stdout and stderr are appended here. */
  readonly logFile: string;
  /** Removed before the start and read after the exit. */
  readonly terminationMessageFile: string;
  /** With FallbackToLogsOnError, a failed container without a message reports the tail of its log. */
  readonly terminationMessagePolicy?: string;
}

/** How a container process ended, in the terms of a terminated container state. */
export interface ContainerExit {
  readonly exitCode: number;
  /** Name of the signal that ended the process, if any. */
  readonly signal?: string;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  /** Termination message: the termination message file, or the log tail under FallbackToLogsOnError. */
  readonly message: string;
}

/** A running container process. */
export interface ContainerProcess {
  readonly pid: number | undefined;
  readonly startedAt: Date;
  readonly exited: Promise<ContainerExit>;
  /** Sends SIGTERM, then SIGKILL after graceMs, and resolves with the exit. Safe to call twice. */
  stop(graceMs: number): Promise<ContainerExit>;
}

// Limits from the Container API reference (terminationMessagePath and terminationMessagePolicy):
// a message is truncated to 4096 bytes, and the log fallback keeps at most 2048 bytes or 80 lines.
const maxMessageBytes = 4096;
const maxLogTailBytes = 2048;
const maxLogTailLines = 80;

/** Starts `node file ...args` with the given environment, its output appended to the log file. */
export async function startContainerProcess(spec: ContainerProcessSpec): Promise<ContainerProcess> {
  await rm(spec.terminationMessageFile, { force: true });
  const log = await open(spec.logFile, 'a');
  const startedAt = new Date();
  const child = spawn(process.execPath, [spec.file, ...spec.args], {
    cwd: spec.workingDirectory,
    env: { ...spec.environment },
    stdio: ['ignore', log.fd, log.fd],
  });

  const exited = new Promise<ContainerExit>((resolve) => {
    let startError: Error | undefined;
    child.once('error', (error) => {
      startError = error;
    });
    child.once('close', (code, signal) => {
      void log.close();
      const exitCode = code ?? (signal === null ? 128 : 128 + constants.signals[signal]);
      void readMessage(spec, exitCode, startError).then((message) =>
        resolve({ exitCode, signal: signal ?? undefined, startedAt, finishedAt: new Date(), message }),
      );
    });
  });

  let stopping: Promise<ContainerExit> | undefined;
  const stop = (graceMs: number): Promise<ContainerExit> => {
    stopping ??= (async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const exit = await exited;
      clearTimeout(timer);
      return exit;
    })();
    return stopping;
  };

  return { pid: child.pid, startedAt, exited, stop };
}

async function readMessage(spec: ContainerProcessSpec, exitCode: number, startError?: Error): Promise<string> {
  if (startError !== undefined) return `failed to start ${spec.file}: ${startError.message}`;
  const message = await readHead(spec.terminationMessageFile, maxMessageBytes);
  if (message !== '' || exitCode === 0 || spec.terminationMessagePolicy !== 'FallbackToLogsOnError') return message;
  return readLogTail(spec.logFile);
}

async function readHead(file: string, maxBytes: number): Promise<string> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return '';
  }
  try {
    const buffer = Buffer.alloc(maxBytes);
    const { bytesRead } = await handle.read(buffer, 0, maxBytes, 0);
    return buffer.subarray(0, bytesRead).toString();
  } finally {
    await handle.close();
  }
}

async function readLogTail(file: string): Promise<string> {
  const size = (await stat(file)).size;
  if (size <= maxLogTailBytes) return lastLines(await readFile(file, 'utf8'));
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(maxLogTailBytes);
    await handle.read(buffer, 0, maxLogTailBytes, size - maxLogTailBytes);
    return lastLines(buffer.toString());
  } finally {
    await handle.close();
  }
}

function lastLines(text: string): string {
  return text.split('\n').slice(-maxLogTailLines).join('\n');
}
