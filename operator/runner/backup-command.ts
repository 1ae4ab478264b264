import { Option, type Command } from 'commander';
import { defaultBackupId, type DumpFormat } from '../storage/layout.ts';
import { runBackup } from './backup.ts';
import { readConnectionSettings } from './database.ts';
import { RunnerError } from './errors.ts';
import {
  addStorageOptions,
  backupIdText,
  createStorage,
  positiveSeconds,
  wholeNumber,
  type StorageFlags,
} from './options.ts';
import { runReportingCommand } from './run.ts';

interface BackupFlags extends StorageFlags {
  app: string;
  backupId?: string;
  namespace?: string;
  backupName?: string;
  format: DumpFormat;
  progressInterval: number;
  lockWaitTimeout?: number;
}

/** Adds `backup`: dump the database into storage, verify the dump, write its manifest. */
export function addBackupCommand(program: Command): void {
  addStorageOptions(program.command('backup'))
    .description('dump the database into storage, verify the dump and write its manifest')
    .addOption(
      new Option('--app <name>', 'name of the PlannerApp, recorded in the manifest')
        .env('PLANNER_APP')
        .makeOptionMandatory(),
    )
    .addOption(
      new Option('--backup-id <id>', 'id of this backup (default APP-YYYYMMDDtHHMMSSz in UTC)')
        .env('PLANNER_BACKUP_ID')
        .argParser(backupIdText),
    )
    .addOption(
      new Option('--namespace <name>', 'namespace of the app, recorded in the manifest').env('PLANNER_NAMESPACE'),
    )
    .addOption(
      new Option('--backup-name <name>', 'name of the PlannerBackup, recorded in the manifest').env(
        'PLANNER_BACKUP_NAME',
      ),
    )
    .addOption(
      new Option('--format <format>', 'pg_dump output format')
        .env('PLANNER_BACKUP_FORMAT')
        .choices(['custom', 'plain'])
        .default('custom'),
    )
    .addOption(
      new Option('--progress-interval <seconds>', 'seconds between progress log lines')
        .env('PLANNER_PROGRESS_INTERVAL_SECONDS')
        .argParser(positiveSeconds)
        .default(10),
    )
    .addOption(
      new Option(
        '--lock-wait-timeout <seconds>',
        'fail instead of waiting longer for a table lock (pg_dump --lock-wait-timeout)',
      )
        .env('PLANNER_LOCK_WAIT_TIMEOUT_SECONDS')
        .argParser(wholeNumber(1)),
    )
    .action(async (flags: BackupFlags) => {
      process.exitCode = await runReportingCommand('backup', flags.logLevel, async (logger, signal) => {
        const storage = await createStorage(flags);
        const id = flags.backupId ?? defaultBackupId(flags.app, new Date());
        const outcome = await runBackup(
          {
            id,
            app: flags.app,
            namespace: flags.namespace,
            backupName: flags.backupName,
            format: flags.format,
            connection: readConnectionSettings(process.env),
            pgBinDir: process.env.PG_BINDIR,
            progressIntervalMs: flags.progressInterval * 1000,
            lockWaitTimeoutSeconds: flags.lockWaitTimeout,
          },
          storage,
          logger,
          signal,
        ).catch((error: unknown) => {
          if (error instanceof RunnerError)
            error.details = { backupId: id, location: storage.location, ...error.details };
          throw error;
        });
        const { manifest } = outcome;
        return {
          backupId: manifest.id,
          location: storage.location,
          dumpKey: manifest.dumpKey,
          manifestKey: outcome.manifestKey,
          format: manifest.format,
          size: manifest.size,
          sha256: manifest.sha256,
          database: manifest.database,
          serverVersion: manifest.serverVersion,
          pgDumpVersion: manifest.pgDumpVersion,
          dumpStartedAt: manifest.startedAt,
          dumpCompletedAt: manifest.completedAt,
          tables: manifest.tables.length,
          rows: manifest.tables.reduce((sum, table) => sum + table.rows, 0),
          ...(outcome.tocEntries === undefined ? {} : { tocEntries: outcome.tocEntries }),
        };
      });
    });
}
