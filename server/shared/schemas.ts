import { z } from 'zod';

/** Path parameter `id`, a UUID. */
export const idParams = z.strictObject({ id: z.uuid({ error: 'must be a UUID' }) });

/** A boolean query parameter written as `true` or `false`. */
export const booleanQuery = z
  .enum(['true', 'false'], { error: 'must be true or false' })
  .transform((value) => value === 'true');

/** An RFC 3339 date-time with a zone offset or Z, parsed into a Date. */
export const dateTimeInput = z.iso
  .datetime({ offset: true, error: 'must be an RFC 3339 date-time such as 2026-12-04T09:00:00Z' })
  .transform((value) => new Date(value));

/** Builds the `sort` query parameter: a key, optionally prefixed with `-` for descending order. */
export function sortQuery<const Keys extends readonly [string, ...string[]]>(keys: Keys, fallback: string) {
  const values = keys.flatMap((key) => [key, `-${key}`]) as [string, ...string[]];
  return z
    .enum(values, { error: `must be one of ${values.join(', ')}` })
    .default(fallback)
    .transform((value) => ({
      key: value.replace(/^-/, '') as Keys[number],
      descending: value.startsWith('-'),
      raw: value,
    }));
}

/** Rejects an update body without any field, so an empty PATCH is reported instead of ignored. */
export function nonEmptyPatch<T extends z.ZodObject>(schema: T) {
  return schema.refine((value) => Object.keys(value).length > 0, { error: 'send at least one field to change' });
}

/** Escapes the LIKE wildcards of user text so it matches literally. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
