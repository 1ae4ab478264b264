import { pipeline } from 'node:stream/promises';
import type winston from 'winston';
import type { BackupStorage } from '../storage/storage.ts';
import { readBackupManifest } from './catalog.ts';
import { connect, countRows, describeTarget, pgToolConnection, type ConnectionSettings } from './database.ts';
import { DigestStream, startProgressLog } from './digest.ts';
import { RunnerError, toRunnerError } from './errors.ts';
import type { Manifest } from './manifest.ts';
import { findPgProgram, startProgram } from './pgtools.ts';
import { verifyChecksum } from './verify.ts';

/** Settings of one restore run. */
export interface RestoreOptions {
  /** Backup id, or `latest`. */
  readonly id: string;
  readonly connection: ConnectionSettings;
  readonly pgBinDir: string | undefined;
  readonly progressIntervalMs: number;
}

/** A table whose restored row count differs from the manifest. */
export interface RowCountMismatch {
  readonly schema: string;
  readonly name: string;
  readonly expected: number;
  readonly actual: number | null;
}

function restoreCommand(manifest: Manifest, options: RestoreOptions, dbname: string): { path: string; args: string[] } {
  if (manifest.format === 'custom') {
    return {
      path: findPgProgram('pg_restore', options.pgBinDir, process.env.PATH),
      args: [
        '--single-transaction',
        '--clean',
        '--if-exists',
        '--no-owner',
        '--no-privileges',
        '--exit-on-error',
        '--no-password',
        `--dbname=${dbname}`,
      ],
    };
  }
  return {
    path: findPgProgram('psql', options.pgBinDir, process.env.PATH),
    args: [
      '--no-psqlrc',
      '--quiet',
      '--single-transaction',
      '--set=ON_ERROR_STOP=1',
      '--no-password',
      `--dbname=${dbname}`,
      '--file=-',
    ],
  };
}

/** Streams the dump into pg_restore or psql; throws RestoreFailed when the program fails. */
async function streamRestore(
  manifest: Manifest,
  options: RestoreOptions,
  storage: BackupStorage,
  logger: winston.Logger,
  signal: AbortSignal,
): Promise<void> {
  const { dbname, env } = pgToolConnection(options.connection, process.env);
  const command = restoreCommand(manifest, options, dbname);
  const source = await storage.read(manifest.dumpKey).catch((error: unknown) => {
    throw toRunnerError(error, 'StorageFailed', `reading ${storage.location}${manifest.dumpKey} failed`);
  });
  const program = startProgram(command.path, command.args, env);
  program.child.stdout.resume();
  const stop = () => program.child.kill('SIGTERM');
  signal.addEventListener('abort', stop, { once: true });
  const digest = new DigestStream();
  const stopProgress = startProgressLog(logger, 'Restore progress', () => digest.bytes, options.progressIntervalMs);
  try {
    // When the program fails early it closes stdin; its exit code reports the failure.
    await pipeline(source, digest, program.child.stdin).catch(() => undefined);
    const code = await program.exited;
    if (signal.aborted) {
      throw new RunnerError('Interrupted', 'the restore was interrupted by a signal; its transaction was rolled back');
    }
    const tool = manifest.format === 'custom' ? 'pg_restore' : 'psql';
    if (code !== 0) {
      throw new RunnerError(
        'RestoreFailed',
        `${tool} exited with code ${code}; the transaction was rolled back and the database is unchanged: ${program.stderr.lastLines()}`,
        {
          hint: 'fix the error above (often objects in the database that depend on restored tables, or locks held by running clients) and restore again',
        },
      );
    }
    if (digest.bytes !== manifest.size || digest.sha256() !== manifest.sha256) {
      // NOTE: the dump was verified just before, so this means it changed in storage during the restore.
      throw new RunnerError(
        'VerificationFailed',
        `the dump ${manifest.dumpKey} changed in storage during the restore; the restored data may not match backup ${manifest.id}`,
        {
          hint: 'restore again from an unchanged backup',
        },
      );
    }
  } finally {
    stopProgress();
    signal.removeEventListener('abort', stop);
  }
}

/** Counts the rows of the manifest's tables in the restored database and lists the differences. */
async function compareRowCounts(manifest: Manifest, settings: ConnectionSettings): Promise<RowCountMismatch[]> {
  const client = await connect(settings);
  try {
    const mismatches: RowCountMismatch[] = [];
    for (const table of manifest.tables) {
      let actual: number | null;
      try {
        actual = (await countRows(client, [table]))[0]?.rows ?? null;
      } catch {
        actual = null;
      }
      if (actual !== table.rows)
        mismatches.push({ schema: table.schema, name: table.name, expected: table.rows, actual });
    }
    return mismatches;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Restores a backup: verifies the dump against its manifest before touching
 * the database, restores it in a single transaction, then compares row counts.
 * Returns the manifest restored. Throws RunnerError.
 */
export async function runRestore(
  options: RestoreOptions,
  storage: BackupStorage,
  logger: winston.Logger,
  signal: AbortSignal,
): Promise<Manifest> {
  const { manifest } = await readBackupManifest(storage, options.id, logger);
  logger.info('Restore started', {
    backupId: manifest.id,
    target: describeTarget(options.connection),
    location: storage.location,
  });

  await verifyChecksum(storage, { key: manifest.dumpKey, size: manifest.size, sha256: manifest.sha256 });
  logger.info('Dump checksum verified', { backupId: manifest.id, sha256: manifest.sha256 });
  if (signal.aborted)
    throw new RunnerError('Interrupted', 'the restore was interrupted before it changed the database');

  const probe = await connect(options.connection);
  await probe.end().catch(() => undefined);

  await streamRestore(manifest, options, storage, logger, signal);
  logger.info('Dump restored', { backupId: manifest.id });

  const mismatches = await compareRowCounts(manifest, options.connection);
  if (mismatches.length > 0) {
    const names = mismatches
      .slice(0, 5)
      .map((m) => `${m.schema}.${m.name} (expected ${m.expected}, found ${m.actual ?? 'no table'})`);
    throw new RunnerError(
      'VerificationFailed',
      `the restore of backup ${manifest.id} was committed but ${mismatches.length} table(s) have other row counts than the manifest: ${names.join(', ')}`,
      {
        hint: 'check for triggers or rules that change rows on insert, then restore again',
        details: { mismatches },
      },
    );
  }
  return manifest;
}
