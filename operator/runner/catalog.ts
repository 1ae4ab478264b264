import type winston from 'winston';
import { backupIdOfDump, backupIdOfManifest, manifestKey } from '../storage/layout.ts';
import { StorageError, type BackupStorage, type StoredObject } from '../storage/storage.ts';
import { RunnerError, toRunnerError } from './errors.ts';
import { parseManifest, type Manifest } from './manifest.ts';

/** A published backup: its manifest and the key it was read from. */
export interface CatalogEntry {
  readonly manifest: Manifest;
  readonly manifestKey: string;
}

/** The backups of a storage location, as `list` and `prune` see them. */
export interface Catalog {
  /** Backups with a valid manifest, newest first. */
  readonly backups: readonly CatalogEntry[];
  /** Manifests that could not be read or parsed, with the reason. */
  readonly invalid: readonly { key: string; error: string }[];
  /** Dumps that have no manifest: remains of failed or interrupted runs. */
  readonly orphanDumps: readonly StoredObject[];
}

/** Reads every manifest in the storage. Throws StorageFailed when the storage cannot be listed. */
export async function loadCatalog(storage: BackupStorage, logger: winston.Logger): Promise<Catalog> {
  const objects = await storage.list().catch((error: unknown) => {
    throw toRunnerError(error, 'StorageFailed', `listing ${storage.location} failed`);
  });
  const backups: CatalogEntry[] = [];
  const invalid: { key: string; error: string }[] = [];
  const manifestIds = new Set<string>();
  for (const object of objects) {
    const id = backupIdOfManifest(object.key);
    if (id === undefined) continue;
    manifestIds.add(id);
    try {
      const manifest = parseManifest(await storage.readText(object.key), object.key);
      backups.push({ manifest, manifestKey: object.key });
    } catch (error) {
      if (error instanceof StorageError && error.code !== 'NotFound') {
        throw toRunnerError(error, 'StorageFailed', `reading ${storage.location}${object.key} failed`);
      }
      const reason = error instanceof Error ? error.message : String(error);
      logger.warn('Skipping an unreadable manifest', { key: object.key, reason });
      invalid.push({ key: object.key, error: reason });
    }
  }
  backups.sort(
    (a, b) =>
      Date.parse(b.manifest.completedAt) - Date.parse(a.manifest.completedAt) ||
      (a.manifest.id < b.manifest.id ? 1 : -1),
  );
  const orphanDumps = objects.filter((object) => {
    const id = backupIdOfDump(object.key);
    return id !== undefined && !manifestIds.has(id);
  });
  return { backups, invalid, orphanDumps };
}

/**
 * Reads the manifest of backup `id`, or of the newest backup when `id` is
 * `latest`. Throws BackupNotFound, VerificationFailed for an invalid manifest, or StorageFailed.
 */
export async function readBackupManifest(
  storage: BackupStorage,
  id: string,
  logger: winston.Logger,
): Promise<CatalogEntry> {
  if (id === 'latest') {
    const newest = (await loadCatalog(storage, logger)).backups[0];
    if (newest === undefined) {
      throw new RunnerError('BackupNotFound', `no backup with a manifest was found in ${storage.location}`, {
        hint: 'check the storage location, or take a backup first',
      });
    }
    return newest;
  }
  const key = manifestKey(id);
  let text: string;
  try {
    text = await storage.readText(key);
  } catch (error) {
    if (error instanceof StorageError && error.code === 'NotFound') {
      throw new RunnerError('BackupNotFound', `backup ${id} was not found: ${storage.location}${key} does not exist`, {
        hint: 'run planner-backup list to see the stored backups',
      });
    }
    throw toRunnerError(error, 'StorageFailed', `reading ${storage.location}${key} failed`);
  }
  try {
    return { manifest: parseManifest(text, key), manifestKey: key };
  } catch (error) {
    throw toRunnerError(error, 'VerificationFailed', `backup ${id} cannot be used`);
  }
}
