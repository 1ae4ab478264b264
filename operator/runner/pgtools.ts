import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { RunnerError } from './errors.ts';

/** The PostgreSQL client programs the runner calls. */
export type PgProgram = 'pg_dump' | 'pg_restore' | 'psql';

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds a PostgreSQL program in `binDir` (PG_BINDIR) when given, else on PATH.
 * Throws InvalidConfiguration saying where it looked.
 */
export function findPgProgram(program: PgProgram, binDir: string | undefined, path: string | undefined): string {
  if (binDir !== undefined && binDir !== '') {
    const candidate = join(binDir, program);
    if (isExecutable(candidate)) return candidate;
    throw new RunnerError('InvalidConfiguration', `${program} was not found in PG_BINDIR ${binDir}`, {
      hint: `set PG_BINDIR to the folder of ${program}, or unset it to search PATH`,
    });
  }
  for (const dir of (path ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, program);
    if (isExecutable(candidate)) return candidate;
  }
  throw new RunnerError('InvalidConfiguration', `${program} was not found on PATH`, {
    hint: `install the PostgreSQL client programs in the runner image, or set PG_BINDIR to their folder`,
  });
}

/** The last bytes a program wrote to stderr, kept bounded so a chatty program cannot fill memory. */
export class OutputTail {
  private text = '';
  private readonly limit: number;

  constructor(limit = 8192) {
    this.limit = limit;
  }

  append(chunk: Buffer | string): void {
    this.text = (this.text + chunk.toString()).slice(-this.limit);
  }

  /** The last `maxLines` non-empty lines, joined with `; `. */
  lastLines(maxLines = 5): string {
    const lines = this.text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '');
    return lines.slice(-maxLines).join('; ');
  }
}

/** A started program with its stderr tail and a promise of its exit. */
export interface RunningProgram {
  readonly child: ChildProcessWithoutNullStreams;
  readonly stderr: OutputTail;
  /** Resolves with the exit code, or a negative number after a signal or a failed start. */
  readonly exited: Promise<number>;
}

/** Starts a program with stdin, stdout and stderr as pipes. */
export function startProgram(path: string, args: readonly string[], env: NodeJS.ProcessEnv): RunningProgram {
  const child = spawn(path, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const stderr = new OutputTail();
  child.stderr.on('data', (chunk: Buffer) => stderr.append(chunk));
  // A program that exits before reading all its input closes the pipe; the exit code reports that failure.
  child.stdin.on('error', () => undefined);
  const exited = new Promise<number>((resolve) => {
    child.once('error', (error) => {
      stderr.append(`could not start ${path}: ${error.message}\n`);
      resolve(-1);
    });
    child.once('close', (code, signal) => resolve(code ?? (signal === null ? -1 : -2)));
  });
  return { child, stderr, exited };
}

/** Runs `program --version` and returns its output, for example `pg_dump (PostgreSQL) 15.14`. */
export async function readProgramVersion(path: string): Promise<string> {
  const program = startProgram(path, ['--version'], process.env);
  let output = '';
  program.child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  program.child.stdin.end();
  const code = await program.exited;
  if (code !== 0) {
    throw new RunnerError('InvalidConfiguration', `${path} --version failed: ${program.stderr.lastLines()}`);
  }
  return output.trim();
}
