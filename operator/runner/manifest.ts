import { z } from 'zod';
import { isValidBackupId } from '../storage/layout.ts';

/** Row count of one table in the snapshot that pg_dump read. */
export const tableRowCountSchema = z.object({
  schema: z.string().min(1),
  name: z.string().min(1),
  rows: z.number().int().nonnegative(),
});

/**
 * The manifest stored beside each dump as `ID.manifest.json`. Its presence
 * marks the backup as complete and verified; its sha256 and size are checked
 * again before any restore.
 */
export const manifestSchema = z.object({
  kind: z.literal('PlannerBackupManifest'),
  version: z.literal(1),
  id: z.string().refine(isValidBackupId, 'invalid backup id'),
  app: z.string().min(1),
  namespace: z.string().optional(),
  /** Name of the PlannerBackup that took the backup, when a controller ran it. */
  backup: z.string().optional(),
  database: z.string().min(1),
  serverVersion: z.string(),
  pgDumpVersion: z.string(),
  format: z.enum(['custom', 'plain']),
  /** Key of the dump, relative to the storage location. */
  dumpKey: z.string().min(1),
  /** Size of the dump in bytes. */
  size: z.number().int().nonnegative(),
  /** Lowercase hex sha256 of the dump. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  startedAt: z.iso.datetime(),
  completedAt: z.iso.datetime(),
  tables: z.array(tableRowCountSchema),
});

/** A parsed manifest. */
export type Manifest = z.infer<typeof manifestSchema>;

/** Parses manifest JSON; throws an Error naming the first invalid field. */
export function parseManifest(text: string, key: string): Manifest {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`manifest ${key} is not valid JSON`, { cause: error });
  }
  const result = manifestSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`manifest ${key} is invalid: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim());
  }
  return result.data;
}

/** Serializes a manifest as indented JSON. */
export function formatManifest(manifest: Manifest): string {
  return `${JSON.stringify(manifestSchema.parse(manifest), null, 2)}\n`;
}
