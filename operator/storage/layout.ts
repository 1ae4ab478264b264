/**
 * Naming of the objects of one backup inside a storage location. A backup
 * with id ID is two objects side by side: the dump `ID.dump` (pg_dump custom
 * format) or `ID.sql` (plain format), and its manifest `ID.manifest.json`,
 * written last. A dump without a manifest is an unfinished or failed backup.
 */

/** pg_dump output formats the runner writes. */
export type DumpFormat = 'custom' | 'plain';

const manifestSuffix = '.manifest.json';
const dumpSuffixes: Readonly<Record<DumpFormat, string>> = { custom: '.dump', plain: '.sql' };

/** Backup ids: 1 to 128 letters, digits, '.', '_' or '-', starting and ending with a letter or digit. */
const backupIdPattern = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,126}[A-Za-z0-9])?$/;

/** Tells whether `id` can name a backup. */
export function isValidBackupId(id: string): boolean {
  return backupIdPattern.test(id) && !id.includes('..');
}

/** Key of the manifest of backup `id`. */
export function manifestKey(id: string): string {
  return `${id}${manifestSuffix}`;
}

/** Key of the dump of backup `id`. */
export function dumpKey(id: string, format: DumpFormat): string {
  return `${id}${dumpSuffixes[format]}`;
}

/** Returns the backup id of a manifest key, or undefined when `key` is not a manifest. */
export function backupIdOfManifest(key: string): string | undefined {
  if (!key.endsWith(manifestSuffix)) return undefined;
  const id = key.slice(0, -manifestSuffix.length);
  return isValidBackupId(id) ? id : undefined;
}

/** Returns the backup id of a dump key, or undefined when `key` is not a dump. */
export function backupIdOfDump(key: string): string | undefined {
  for (const suffix of Object.values(dumpSuffixes)) {
    if (!key.endsWith(suffix)) continue;
    const id = key.slice(0, -suffix.length);
    return isValidBackupId(id) ? id : undefined;
  }
  return undefined;
}

/** Returns a backup id made of the app name and the UTC time, for example `shop-20261204t020000z`. */
export function defaultBackupId(app: string, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d+Z$/, 'z')
    .replace(/[-:]/g, '')
    .replace('T', 't');
  return `${app}-${stamp}`;
}
