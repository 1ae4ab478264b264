import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import type { BackupStorage } from '../storage/storage.ts';
import { RunnerError, toRunnerError } from './errors.ts';
import type { Manifest } from './manifest.ts';
import { startProgram } from './pgtools.ts';

/** What a stored dump should match: its size and sha256, from the manifest or from the write. */
export interface ExpectedDump {
  readonly key: string;
  readonly size: number;
  readonly sha256: string;
}

/**
 * Reads the whole stored object again and compares its size and sha256 with
 * `expected`. Throws VerificationFailed on a mismatch and StorageFailed when it cannot be read.
 */
export async function verifyChecksum(storage: BackupStorage, expected: ExpectedDump): Promise<void> {
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    await storage.scan(expected.key, (chunk) => {
      hash.update(chunk);
      bytes += chunk.length;
    });
  } catch (error) {
    throw toRunnerError(error, 'StorageFailed', `reading ${storage.location}${expected.key} back failed`);
  }
  const sha256 = hash.digest('hex');
  if (bytes !== expected.size || sha256 !== expected.sha256) {
    throw new RunnerError(
      'VerificationFailed',
      `the stored dump ${storage.location}${expected.key} does not match: expected ${expected.size} bytes with sha256 ${expected.sha256}, read ${bytes} bytes with sha256 ${sha256}`,
      { hint: 'the dump was changed or damaged in storage; use another backup' },
    );
  }
}

/** The table of contents of a custom-format archive, as `pg_restore --list` prints it. */
export interface ArchiveContents {
  /** Number of entries in the table of contents. */
  readonly entries: number;
  /** `schema.table` of each TABLE DATA entry. */
  readonly tableData: ReadonlySet<string>;
}

/**
 * Lists the table of contents of a stored custom-format dump with
 * `pg_restore --list`, streaming the object into pg_restore's stdin.
 * Throws VerificationFailed when pg_restore cannot read the archive.
 */
export async function listArchive(storage: BackupStorage, key: string, pgRestore: string): Promise<ArchiveContents> {
  const program = startProgram(pgRestore, ['--list'], process.env);
  const tableData = new Set<string>();
  let entries = 0;
  const lines = createInterface({ input: program.child.stdout });
  const linesClosed = once(lines, 'close');
  lines.on('line', (line) => {
    if (line.startsWith(';') || line.trim() === '') return;
    entries += 1;
    // Entry lines read "ID; TABLEOID OID TABLE DATA SCHEMA NAME OWNER".
    const match = /^\d+; \d+ \d+ TABLE DATA (\S+) (\S+) /.exec(`${line} `);
    if (match !== null) tableData.add(`${match[1]}.${match[2]}`);
  });
  const source = await storage.read(key).catch((error: unknown) => {
    program.child.kill('SIGKILL');
    throw toRunnerError(error, 'StorageFailed', `reading ${storage.location}${key} failed`);
  });
  // pg_restore stops reading after the table of contents; the rest of the object is not needed.
  pipeline(source, program.child.stdin).catch(() => undefined);
  const code = await program.exited;
  source.destroy();
  await linesClosed;
  if (code !== 0) {
    throw new RunnerError(
      'VerificationFailed',
      `pg_restore --list could not read the archive ${storage.location}${key}: ${program.stderr.lastLines()}`,
      { hint: 'the dump is not a valid custom-format archive; take a new backup' },
    );
  }
  return { entries, tableData };
}

/** Throws VerificationFailed when a table counted for the manifest has no TABLE DATA entry in the archive. */
export function assertArchiveHasTables(contents: ArchiveContents, tables: Manifest['tables'], key: string): void {
  const missing = tables.filter((table) => !contents.tableData.has(`${table.schema}.${table.name}`));
  if (missing.length > 0) {
    const names = missing.slice(0, 10).map((table) => `${table.schema}.${table.name}`);
    throw new RunnerError(
      'VerificationFailed',
      `the archive ${key} has no data for ${missing.length} counted table(s): ${names.join(', ')}`,
      { hint: 'pg_dump skipped tables the runner counted; check the role has SELECT on every table' },
    );
  }
}

/** A plain dump that pg_dump finished ends with this comment. */
export const plainDumpEnding = '-- PostgreSQL database dump complete';

/** Throws VerificationFailed when a plain dump lacks pg_dump's closing comment. */
export function assertPlainDumpComplete(tail: string, key: string): void {
  if (!tail.includes(plainDumpEnding)) {
    throw new RunnerError('VerificationFailed', `the plain dump ${key} does not end with "${plainDumpEnding}"`, {
      hint: 'pg_dump stopped before the end of the dump; take a new backup',
    });
  }
}
