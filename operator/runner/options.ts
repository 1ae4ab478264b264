import { InvalidArgumentError, Option, type Command } from 'commander';
import { isValidBackupId } from '../storage/layout.ts';
import { FilesystemStorage } from '../storage/filesystem.ts';
import type { BackupStorage } from '../storage/storage.ts';
import { RunnerError } from './errors.ts';

/** Parses a whole number of at least `min`, for commander. */
export function wholeNumber(min: number): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!/^\d+$/.test(text.trim()) || value < min)
      throw new InvalidArgumentError(`expected a whole number of ${min} or more`);
    return value;
  };
}

/** Parses a positive number of seconds (fractions allowed), for commander. */
export function positiveSeconds(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0)
    throw new InvalidArgumentError('expected a number of seconds above 0');
  return value;
}

/** Parses true/false, for commander. */
export function booleanText(text: string): boolean {
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  throw new InvalidArgumentError('expected true or false');
}

/** Checks a backup id, for commander. */
export function backupIdText(text: string): string {
  if (!isValidBackupId(text)) {
    throw new InvalidArgumentError(
      "expected 1 to 128 letters, digits, '.', '_' or '-', starting and ending with a letter or digit",
    );
  }
  return text;
}

/** Storage flags shared by every command. */
export interface StorageFlags {
  storagePath?: string;
  s3Bucket?: string;
  s3Prefix: string;
  s3Endpoint?: string;
  s3Region: string;
  s3ForcePathStyle: boolean;
  s3PartSizeMib: number;
  s3QueueSize: number;
  logLevel: string;
}

/** Adds the storage and logging flags, each with its environment variable, to a command. */
export function addStorageOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--storage-path <dir>', 'folder of the backups on a mounted volume (filesystem storage)').env(
        'PLANNER_STORAGE_PATH',
      ),
    )
    .addOption(new Option('--s3-bucket <name>', 'S3 bucket of the backups (S3 storage)').env('PLANNER_S3_BUCKET'))
    .addOption(
      new Option('--s3-prefix <prefix>', 'key prefix of the backups inside the bucket')
        .env('PLANNER_S3_PREFIX')
        .default(''),
    )
    .addOption(
      new Option('--s3-endpoint <url>', 'endpoint URL of an S3-compatible service; omit for AWS').env(
        'PLANNER_S3_ENDPOINT',
      ),
    )
    .addOption(new Option('--s3-region <region>', 'S3 region').env('PLANNER_S3_REGION').default('us-east-1'))
    .addOption(
      new Option(
        '--s3-force-path-style <bool>',
        'address the bucket as ENDPOINT/BUCKET (true) or BUCKET.ENDPOINT (false)',
      )
        .env('PLANNER_S3_FORCE_PATH_STYLE')
        .argParser(booleanText)
        .default(false),
    )
    .addOption(
      new Option('--s3-part-size-mib <mib>', 'multipart part size in MiB (5 or more); the largest dump is 10,000 parts')
        .env('PLANNER_S3_PART_SIZE_MIB')
        .argParser(wholeNumber(5))
        .default(16),
    )
    .addOption(
      new Option('--s3-queue-size <count>', 'parts uploaded in parallel')
        .env('PLANNER_S3_QUEUE_SIZE')
        .argParser(wholeNumber(1))
        .default(2),
    )
    .addOption(
      new Option('--log-level <level>', 'log level')
        .env('PLANNER_LOG_LEVEL')
        .choices(['error', 'warn', 'info', 'debug'])
        .default('info'),
    );
}

/**
 * Builds the storage the flags name; throws InvalidConfiguration unless exactly
 * one kind is set. The AWS SDK is loaded only for S3, which keeps the
 * filesystem runner's memory small.
 */
export async function createStorage(flags: StorageFlags): Promise<BackupStorage> {
  const hasPath = flags.storagePath !== undefined && flags.storagePath !== '';
  const hasBucket = flags.s3Bucket !== undefined && flags.s3Bucket !== '';
  if (hasPath === hasBucket) {
    throw new RunnerError(
      'InvalidConfiguration',
      hasPath ? 'both --storage-path and --s3-bucket are set' : 'no storage is configured',
      { hint: 'set exactly one of --storage-path (PLANNER_STORAGE_PATH) and --s3-bucket (PLANNER_S3_BUCKET)' },
    );
  }
  if (hasPath) return new FilesystemStorage(flags.storagePath ?? '');
  if (flags.s3Endpoint !== undefined && flags.s3Endpoint !== '' && !URL.canParse(flags.s3Endpoint)) {
    throw new RunnerError('InvalidConfiguration', `--s3-endpoint ${JSON.stringify(flags.s3Endpoint)} is not a URL`);
  }
  const { S3Storage } = await import('../storage/s3.ts');
  return new S3Storage({
    bucket: flags.s3Bucket ?? '',
    prefix: flags.s3Prefix,
    ...(flags.s3Endpoint === undefined || flags.s3Endpoint === '' ? {} : { endpoint: flags.s3Endpoint }),
    region: flags.s3Region,
    forcePathStyle: flags.s3ForcePathStyle,
    partSizeBytes: flags.s3PartSizeMib * 1024 * 1024,
    queueSize: flags.s3QueueSize,
  });
}
