import { Option, type Command } from 'commander';
import { readConnectionSettings } from './database.ts';
import { RunnerError } from './errors.ts';
import { addStorageOptions, backupIdText, createStorage, positiveSeconds, type StorageFlags } from './options.ts';
import { runRestore } from './restore.ts';
import { runReportingCommand } from './run.ts';

interface RestoreFlags extends StorageFlags {
  backupId: string;
  progressInterval: number;
}

/** Checks a backup id or the word `latest`, for commander. */
export function backupReference(text: string): string {
  if (text === 'latest') return text;
  return backupIdText(text);
}

/** Adds `restore`: verify a stored dump, restore it in one transaction, compare row counts. */
export function addRestoreCommand(program: Command): void {
  addStorageOptions(program.command('restore'))
    .description('verify a stored dump against its manifest, restore it in one transaction and compare row counts')
    .addOption(
      new Option('--backup-id <id>', 'id of the backup to restore, or "latest" for the newest')
        .env('PLANNER_BACKUP_ID')
        .argParser(backupReference)
        .makeOptionMandatory(),
    )
    .addOption(
      new Option('--progress-interval <seconds>', 'seconds between progress log lines')
        .env('PLANNER_PROGRESS_INTERVAL_SECONDS')
        .argParser(positiveSeconds)
        .default(10),
    )
    .action(async (flags: RestoreFlags) => {
      process.exitCode = await runReportingCommand('restore', flags.logLevel, async (logger, signal) => {
        const storage = await createStorage(flags);
        const manifest = await runRestore(
          {
            id: flags.backupId,
            connection: readConnectionSettings(process.env),
            pgBinDir: process.env.PG_BINDIR,
            progressIntervalMs: flags.progressInterval * 1000,
          },
          storage,
          logger,
          signal,
        ).catch((error: unknown) => {
          if (error instanceof RunnerError)
            error.details = { backupId: flags.backupId, location: storage.location, ...error.details };
          throw error;
        });
        return {
          backupId: manifest.id,
          location: storage.location,
          format: manifest.format,
          size: manifest.size,
          sha256: manifest.sha256,
          tables: manifest.tables.length,
          rows: manifest.tables.reduce((sum, table) => sum + table.rows, 0),
        };
      });
    });
}
