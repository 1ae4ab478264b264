import type winston from 'winston';
import type { BackupStorage } from '../storage/storage.ts';
import { loadCatalog } from './catalog.ts';
import { toRunnerError } from './errors.ts';
import { decideRetention, type RetentionPolicy, type RetentionReason } from './retention.ts';

/** Settings of one prune run. */
export interface PruneOptions {
  readonly policy: RetentionPolicy;
  readonly timeZone: string;
  /** Leftovers of interrupted runs older than this are removed. */
  readonly incompleteGraceMs: number;
  readonly dryRun: boolean;
  readonly now: Date;
}

/** What a prune did. */
export interface PruneOutcome {
  readonly kept: { id: string; reasons: RetentionReason[] }[];
  readonly deleted: string[];
  readonly removedIncomplete: number;
  readonly invalidManifests: string[];
}

/**
 * Deletes the backups that retention expires, manifest first, then dump, and
 * removes leftovers of interrupted runs older than the grace period. Deleting
 * what is already gone succeeds, so a prune is safe to repeat.
 */
export async function runPrune(
  options: PruneOptions,
  storage: BackupStorage,
  logger: winston.Logger,
): Promise<PruneOutcome> {
  const catalog = await loadCatalog(storage, logger);
  const decision = decideRetention(
    catalog.backups.map((entry) => ({ id: entry.manifest.id, completedAt: new Date(entry.manifest.completedAt) })),
    options.policy,
    options.timeZone,
  );
  const byId = new Map(catalog.backups.map((entry) => [entry.manifest.id, entry]));
  const cutoff = new Date(options.now.getTime() - options.incompleteGraceMs);
  const orphans = catalog.orphanDumps.filter((object) => object.modifiedAt < cutoff);
  const incomplete = await storage.listIncomplete(cutoff).catch((error: unknown) => {
    throw toRunnerError(error, 'StorageFailed', `listing unfinished writes in ${storage.location} failed`);
  });
  logger.info('Retention decided', {
    location: storage.location,
    keep: decision.keep.length,
    expire: decision.expire.length,
    orphanDumps: orphans.length,
    incomplete: incomplete.length,
    dryRun: options.dryRun,
  });

  if (!options.dryRun) {
    try {
      for (const id of decision.expire) {
        const entry = byId.get(id);
        if (entry === undefined) continue;
        // The manifest goes first: a dump without a manifest no longer counts, the reverse would be a broken backup.
        await storage.delete(entry.manifestKey);
        await storage.delete(entry.manifest.dumpKey);
        logger.info('Expired backup deleted', { backupId: id });
      }
      for (const orphan of orphans) {
        await storage.delete(orphan.key);
        logger.info('Dump without a manifest deleted', {
          key: orphan.key,
          modifiedAt: orphan.modifiedAt.toISOString(),
        });
      }
      await storage.removeIncomplete(incomplete);
    } catch (error) {
      throw toRunnerError(error, 'StorageFailed', `deleting expired backups in ${storage.location} failed`);
    }
  }
  return {
    kept: decision.keep.map((entry) => ({ id: entry.id, reasons: [...entry.reasons] })),
    deleted: [...decision.expire],
    removedIncomplete: orphans.length + incomplete.length,
    invalidManifests: catalog.invalid.map((entry) => entry.key),
  };
}
