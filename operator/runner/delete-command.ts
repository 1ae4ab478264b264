import type { Command } from 'commander';
import { loadCatalog } from './catalog.ts';
import { toRunnerError } from './errors.ts';
import { addStorageOptions, createStorage, type StorageFlags } from './options.ts';
import { runReportingCommand } from './run.ts';

/**
 * Adds `delete`: remove every backup of a storage location, for a PlannerBackup deleted with
 * deletionPolicy Delete. Manifests go before their dumps, as in prune, and leftovers of
 * interrupted runs go too; deleting what is already gone succeeds, so it is safe to repeat.
 * Manifests that cannot be parsed are left in place and reported.
 */
export function addDeleteCommand(program: Command): void {
  addStorageOptions(program.command('delete'))
    .description('delete every backup in the storage location (used for deletionPolicy Delete)')
    .action(async (flags: StorageFlags) => {
      process.exitCode = await runReportingCommand('delete', flags.logLevel, async (logger) => {
        const storage = await createStorage(flags);
        const catalog = await loadCatalog(storage, logger);
        const deleted: string[] = [];
        try {
          for (const entry of catalog.backups) {
            await storage.delete(entry.manifestKey);
            await storage.delete(entry.manifest.dumpKey);
            deleted.push(entry.manifest.id);
            logger.info('Backup deleted', { backupId: entry.manifest.id });
          }
          for (const orphan of catalog.orphanDumps) await storage.delete(orphan.key);
          const incomplete = await storage.listIncomplete(new Date());
          await storage.removeIncomplete(incomplete);
          return {
            location: storage.location,
            deleted,
            removedIncomplete: catalog.orphanDumps.length + incomplete.length,
            invalidManifests: catalog.invalid.map((entry) => entry.key),
          };
        } catch (error) {
          throw toRunnerError(error, 'StorageFailed', `deleting backups in ${storage.location} failed`);
        }
      });
    });
}
