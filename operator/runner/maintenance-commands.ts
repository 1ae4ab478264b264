import { Option, type Command } from 'commander';
import { findPgProgram } from './pgtools.ts';
import { loadCatalog, readBackupManifest } from './catalog.ts';
import { exitCodes, RunnerError } from './errors.ts';
import { createRunnerLogger } from './logger.ts';
import { addStorageOptions, createStorage, positiveSeconds, wholeNumber, type StorageFlags } from './options.ts';
import { runPrune } from './prune.ts';
import { backupReference } from './restore-command.ts';
import { runReportingCommand } from './run.ts';
import { assertArchiveHasTables, listArchive, verifyChecksum } from './verify.ts';

interface PruneFlags extends StorageFlags {
  keepLast?: number;
  keepDaily?: number;
  keepWeekly?: number;
  keepMonthly?: number;
  timeZone: string;
  incompleteGrace: number;
  dryRun: boolean;
}

function timeZoneText(text: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: text });
    return text;
  } catch {
    throw new RunnerError('InvalidConfiguration', `time zone ${JSON.stringify(text)} is not a known IANA time zone`, {
      hint: 'use a name such as UTC or Europe/London',
    });
  }
}

/** Adds `prune`: delete the backups that the retention rules expire. */
export function addPruneCommand(program: Command): void {
  const count = (flag: string, variable: string, text: string) =>
    new Option(`--${flag} <count>`, text).env(variable).argParser(wholeNumber(0));
  addStorageOptions(program.command('prune'))
    .description('delete the backups that the retention rules expire; the newest backup is always kept')
    .addOption(count('keep-last', 'PLANNER_KEEP_LAST', 'keep the N newest backups'))
    .addOption(count('keep-daily', 'PLANNER_KEEP_DAILY', 'keep the newest backup of each of the N newest days'))
    .addOption(count('keep-weekly', 'PLANNER_KEEP_WEEKLY', 'keep the newest backup of each of the N newest ISO weeks'))
    .addOption(count('keep-monthly', 'PLANNER_KEEP_MONTHLY', 'keep the newest backup of each of the N newest months'))
    .addOption(
      new Option('--time-zone <zone>', 'IANA time zone of day, week and month boundaries')
        .env('PLANNER_RETENTION_TIME_ZONE')
        .default('UTC'),
    )
    .addOption(
      new Option('--incomplete-grace <seconds>', 'age after which leftovers of interrupted runs are removed')
        .env('PLANNER_INCOMPLETE_GRACE_SECONDS')
        .argParser(positiveSeconds)
        .default(86_400),
    )
    .option('--dry-run', 'report what would be deleted and delete nothing', false)
    .action(async (flags: PruneFlags) => {
      process.exitCode = await runReportingCommand('prune', flags.logLevel, async (logger) => {
        const storage = await createStorage(flags);
        const policy = {
          keepLast: flags.keepLast,
          keepDaily: flags.keepDaily,
          keepWeekly: flags.keepWeekly,
          keepMonthly: flags.keepMonthly,
        };
        if (Object.values(policy).every((value) => value === undefined)) {
          throw new RunnerError('InvalidConfiguration', 'no retention rule is set', {
            hint: 'set at least one of --keep-last, --keep-daily, --keep-weekly and --keep-monthly',
          });
        }
        const outcome = await runPrune(
          {
            policy,
            timeZone: timeZoneText(flags.timeZone),
            incompleteGraceMs: flags.incompleteGrace * 1000,
            dryRun: flags.dryRun,
            now: new Date(),
          },
          storage,
          logger,
        );
        return { location: storage.location, dryRun: flags.dryRun, ...outcome };
      });
    });
}

/** Adds `list`: print the stored backups as a JSON array, newest first. */
export function addListCommand(program: Command): void {
  addStorageOptions(program.command('list'))
    .description('print the stored backups (their manifests) as a JSON array on stdout, newest first')
    .action(async (flags: StorageFlags) => {
      const logger = createRunnerLogger(flags.logLevel);
      try {
        const storage = await createStorage(flags);
        const catalog = await loadCatalog(storage, logger);
        const backups = catalog.backups.map((entry) => ({ ...entry.manifest, manifestKey: entry.manifestKey }));
        process.stdout.write(`${JSON.stringify(backups, null, 2)}\n`);
      } catch (error) {
        const failure = error instanceof RunnerError ? error : new RunnerError('InternalError', String(error));
        logger.error('List failed', { reason: failure.reason, failure: failure.message, hint: failure.hint });
        process.exitCode = exitCodes[failure.reason];
      }
    });
}

interface VerifyFlags extends StorageFlags {
  backupId: string;
}

/** Adds `verify`: check a stored dump against its manifest and list its archive. */
export function addVerifyCommand(program: Command): void {
  addStorageOptions(program.command('verify'))
    .description('check a stored dump against its manifest and list its archive with pg_restore --list')
    .addOption(
      new Option('--backup-id <id>', 'id of the backup to verify, or "latest" for the newest')
        .env('PLANNER_BACKUP_ID')
        .argParser(backupReference)
        .makeOptionMandatory(),
    )
    .action(async (flags: VerifyFlags) => {
      process.exitCode = await runReportingCommand('verify', flags.logLevel, async (logger) => {
        const storage = await createStorage(flags);
        const { manifest } = await readBackupManifest(storage, flags.backupId, logger);
        await verifyChecksum(storage, { key: manifest.dumpKey, size: manifest.size, sha256: manifest.sha256 });
        let tocEntries: number | undefined;
        if (manifest.format === 'custom') {
          const pgRestore = findPgProgram('pg_restore', process.env.PG_BINDIR, process.env.PATH);
          const contents = await listArchive(storage, manifest.dumpKey, pgRestore);
          assertArchiveHasTables(contents, manifest.tables, manifest.dumpKey);
          tocEntries = contents.entries;
        }
        logger.info('Backup verified', { backupId: manifest.id, sha256: manifest.sha256 });
        return {
          backupId: manifest.id,
          location: storage.location,
          format: manifest.format,
          size: manifest.size,
          sha256: manifest.sha256,
          ...(tocEntries === undefined ? {} : { tocEntries }),
        };
      });
    });
}
