import type pg from 'pg';
import { pipeline } from 'node:stream/promises';
import type winston from 'winston';
import { dumpKey, manifestKey, type DumpFormat } from '../storage/layout.ts';
import { StorageError, type BackupStorage, type ObjectWriter } from '../storage/storage.ts';
import {
  connect,
  countRows,
  describeTarget,
  listUserTables,
  pgToolConnection,
  readServerVersion,
  type ConnectionSettings,
  type TableRowCount,
} from './database.ts';
import { DigestStream, startProgressLog } from './digest.ts';
import { RunnerError, toRunnerError } from './errors.ts';
import { formatManifest, type Manifest } from './manifest.ts';
import { findPgProgram, readProgramVersion, startProgram } from './pgtools.ts';
import { assertArchiveHasTables, assertPlainDumpComplete, listArchive, verifyChecksum } from './verify.ts';

/** Settings of one backup run. */
export interface BackupOptions {
  readonly id: string;
  readonly app: string;
  readonly namespace: string | undefined;
  readonly backupName: string | undefined;
  readonly format: DumpFormat;
  readonly connection: ConnectionSettings;
  readonly pgBinDir: string | undefined;
  readonly progressIntervalMs: number;
  /** pg_dump --lock-wait-timeout in seconds; undefined waits for table locks without limit. */
  readonly lockWaitTimeoutSeconds: number | undefined;
}

/** What a successful backup reports. */
export interface BackupOutcome {
  readonly manifest: Manifest;
  readonly manifestKey: string;
  readonly tocEntries: number | undefined;
}

/** An open REPEATABLE READ transaction whose snapshot pg_dump shares. */
interface SnapshotSession {
  readonly client: pg.Client;
  readonly snapshot: string;
  readonly serverVersion: string;
}

async function openSnapshot(settings: ConnectionSettings, logger: winston.Logger): Promise<SnapshotSession> {
  const client = await connect(settings);
  try {
    const serverVersion = await readServerVersion(client);
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const exported = await client.query<{ snapshot: string }>('SELECT pg_catalog.pg_export_snapshot() AS snapshot');
    const snapshot = exported.rows[0]?.snapshot ?? '';
    logger.info('Exported a snapshot for pg_dump', { snapshot, serverVersion });
    return { client, snapshot, serverVersion };
  } catch (error) {
    await client.end().catch(() => undefined);
    throw toRunnerError(error, 'DumpFailed', `opening a snapshot of ${describeTarget(settings)} failed`);
  }
}

/**
 * Counts the rows of every table in the session's snapshot. It runs while pg_dump reads the same
 * snapshot, so the full scans overlap the dump instead of delaying it. Never rejects: the caller
 * decides what a failure means once pg_dump is done.
 */
async function countInSnapshot(
  session: SnapshotSession,
  settings: ConnectionSettings,
  logger: winston.Logger,
): Promise<{ tables: TableRowCount[] } | { error: RunnerError }> {
  try {
    const tables = await countRows(session.client, await listUserTables(session.client));
    logger.info('Counted table rows in the exported snapshot', { tables: tables.length });
    return { tables };
  } catch (error) {
    return { error: toRunnerError(error, 'DumpFailed', `counting rows in ${describeTarget(settings)} failed`) };
  }
}

function dumpArguments(options: BackupOptions, snapshot: string, dbname: string): string[] {
  const args = [`--snapshot=${snapshot}`, '--no-password', `--dbname=${dbname}`];
  if (options.lockWaitTimeoutSeconds !== undefined) args.push(`--lock-wait-timeout=${options.lockWaitTimeoutSeconds}s`);
  // A plain dump is replayed by psql as is, so it must carry the options a custom archive gets at restore time.
  if (options.format === 'plain')
    args.push('--format=plain', '--clean', '--if-exists', '--no-owner', '--no-privileges');
  else args.push('--format=custom');
  return args;
}

/** Streams pg_dump's stdout through the digest into the writer; returns once pg_dump has exited. */
async function streamDump(
  options: BackupOptions,
  session: SnapshotSession,
  pgDump: string,
  writer: ObjectWriter,
  digest: DigestStream,
  signal: AbortSignal,
): Promise<void> {
  const { dbname, env } = pgToolConnection(options.connection, process.env);
  const program = startProgram(pgDump, dumpArguments(options, session.snapshot, dbname), env);
  program.child.stdin.end();
  const stop = () => program.child.kill('SIGTERM');
  signal.addEventListener('abort', stop, { once: true });
  let storageError: unknown;
  try {
    await pipeline(program.child.stdout, digest, writer.stream, { end: false }).catch((error: unknown) => {
      storageError = error;
      program.child.kill('SIGTERM');
    });
    const code = await program.exited;
    if (signal.aborted)
      throw new RunnerError('Interrupted', 'the backup was interrupted by a signal; nothing was published');
    if (storageError !== undefined) {
      throw storageFailure(storageError, 'writing the dump failed');
    }
    if (code !== 0) {
      throw new RunnerError('DumpFailed', `pg_dump exited with code ${code}: ${program.stderr.lastLines()}`, {
        hint: 'check that the database stayed reachable during the dump and that pg_dump is not older than the server',
      });
    }
  } finally {
    signal.removeEventListener('abort', stop);
  }
}

/** Re-reads the published dump and checks it before the manifest makes it count. */
async function verifyPublishedDump(
  storage: BackupStorage,
  manifest: Manifest,
  pgRestore: string | undefined,
  digest: DigestStream,
): Promise<number | undefined> {
  await verifyChecksum(storage, { key: manifest.dumpKey, size: manifest.size, sha256: manifest.sha256 });
  if (manifest.format === 'plain') {
    assertPlainDumpComplete(digest.tail(), manifest.dumpKey);
    return undefined;
  }
  const contents = await listArchive(storage, manifest.dumpKey, pgRestore ?? 'pg_restore');
  assertArchiveHasTables(contents, manifest.tables, manifest.dumpKey);
  return contents.entries;
}

function storageFailure(error: unknown, action: string): RunnerError {
  if (error instanceof RunnerError) return error;
  const hint =
    (error instanceof StorageError && error.code === 'NoSpace') ||
    ['ENOSPC', 'EDQUOT', 'EFBIG'].includes((error as NodeJS.ErrnoException).code ?? '')
      ? 'free space in the backup volume or prune old backups'
      : 'check that the backup storage exists and that the Job may write to it';
  const reason = error instanceof Error ? error.message : String(error);
  return new RunnerError('StorageFailed', `${action}: ${reason}`, { hint, cause: error });
}

/**
 * Takes one backup: counts rows in an exported snapshot, streams pg_dump of
 * that snapshot to storage, verifies the stored dump and publishes its
 * manifest last. On any failure it removes what it wrote, so no dump with a
 * manifest exists for a failed run. Throws RunnerError.
 */
export async function runBackup(
  options: BackupOptions,
  storage: BackupStorage,
  logger: winston.Logger,
  signal: AbortSignal,
): Promise<BackupOutcome> {
  const pgDump = findPgProgram('pg_dump', options.pgBinDir, process.env.PATH);
  const pgRestore =
    options.format === 'custom' ? findPgProgram('pg_restore', options.pgBinDir, process.env.PATH) : undefined;
  const pgDumpVersion = await readProgramVersion(pgDump);
  const keys = { dump: dumpKey(options.id, options.format), manifest: manifestKey(options.id) };
  if (
    (await storage
      .stat(keys.manifest)
      .catch((error: unknown) => Promise.reject(storageFailure(error, 'reading the storage failed')))) !== undefined
  ) {
    throw new RunnerError('InvalidConfiguration', `backup ${options.id} already exists in ${storage.location}`, {
      hint: 'give each run a new backup id; the runner never overwrites a published backup',
    });
  }

  const startedAt = new Date();
  logger.info('Backup started', {
    backupId: options.id,
    target: describeTarget(options.connection),
    location: storage.location,
    format: options.format,
  });
  const session = await openSnapshot(options.connection, logger);
  let writer: ObjectWriter | undefined;
  let dumpPublished = false;
  try {
    const dumpWriter = await storage
      .createWriter(keys.dump)
      .catch((error: unknown) =>
        Promise.reject(storageFailure(error, `creating ${storage.location}${keys.dump} failed`)),
      );
    writer = dumpWriter;
    const digest = new DigestStream();
    const stopProgress = startProgressLog(logger, 'Backup progress', () => digest.bytes, options.progressIntervalMs);
    const counting = countInSnapshot(session, options.connection, logger);
    // Ending the session cancels a count in progress; pg_dump already has its own stop.
    const endSession = () => void session.client.end().catch(() => undefined);
    signal.addEventListener('abort', endSession, { once: true });
    let countFailure: RunnerError | undefined;
    void counting.then((result) => {
      if ('error' in result) countFailure = result.error;
    });
    let counted: Awaited<typeof counting>;
    try {
      await streamDump(options, session, pgDump, dumpWriter, digest, signal).catch((error: unknown) => {
        // A failed count aborts the snapshot's transaction, which can make pg_dump fail too. The count's error is the cause.
        throw signal.aborted || countFailure === undefined ? error : countFailure;
      });
      counted = await counting;
    } finally {
      signal.removeEventListener('abort', endSession);
      stopProgress();
    }
    if (signal.aborted)
      throw new RunnerError('Interrupted', 'the backup was interrupted by a signal; nothing was published');
    if ('error' in counted) throw counted.error;
    await dumpWriter
      .commit()
      .catch((error: unknown) =>
        Promise.reject(storageFailure(error, `publishing ${storage.location}${keys.dump} failed`)),
      );
    dumpPublished = true;
    await session.client.query('COMMIT').catch(() => undefined);
    logger.info('Dump written', { backupId: options.id, bytes: digest.bytes, sha256: digest.sha256() });

    const manifest: Manifest = {
      kind: 'PlannerBackupManifest',
      version: 1,
      id: options.id,
      app: options.app,
      ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
      ...(options.backupName === undefined ? {} : { backup: options.backupName }),
      database: options.connection.database,
      serverVersion: session.serverVersion,
      pgDumpVersion,
      format: options.format,
      dumpKey: keys.dump,
      size: digest.bytes,
      sha256: digest.sha256(),
      startedAt: startedAt.toISOString(),
      completedAt: new Date().toISOString(),
      tables: counted.tables,
    };
    const tocEntries = await verifyPublishedDump(storage, manifest, pgRestore, digest);
    if (signal.aborted)
      throw new RunnerError('Interrupted', 'the backup was interrupted by a signal; nothing was published');
    await storage
      .writeText(keys.manifest, formatManifest(manifest))
      .catch((error: unknown) =>
        Promise.reject(storageFailure(error, `writing the manifest ${storage.location}${keys.manifest} failed`)),
      );
    logger.info('Backup verified and published', { backupId: options.id, manifest: keys.manifest, tocEntries });
    return { manifest, manifestKey: keys.manifest, tocEntries };
  } catch (error) {
    await writer?.abort().catch(() => undefined);
    if (dumpPublished) {
      await storage.delete(keys.dump).catch((deleteError: unknown) =>
        logger.error('Removing the dump of a failed backup failed; it has no manifest, so it does not count', {
          backupId: options.id,
          key: keys.dump,
          err: String(deleteError),
        }),
      );
    }
    throw error;
  } finally {
    await session.client.end().catch(() => undefined);
  }
}
