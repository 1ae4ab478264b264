import type { Knex } from 'knex';
import { z } from 'zod';
import { ValidationError } from '../http/errors.ts';

/** Largest page a client may ask for. */
export const maxPageSize = 200;
export const defaultPageSize = 50;

/** Query parameters shared by every paginated list. */
export const pageQuery = {
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(maxPageSize)
    .default(defaultPageSize)
    .describe(`Page size, 1 to ${maxPageSize}.`),
  cursor: z.string().max(512).optional().describe('Opaque cursor from the `nextCursor` of the previous page.'),
};

/** One page of a list and the cursor of the next, null on the last page. */
export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

/** Schema of a page of items, for the OpenAPI document. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

/** Position after which the next page starts: the sort key value and the id of the last row. */
interface CursorPosition {
  readonly sort: string;
  readonly value: string | number;
  readonly id: string;
}

const cursorSchema = z.object({ s: z.string(), v: z.union([z.string(), z.number()]), i: z.uuid() });

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify({ s: position.sort, v: position.value, i: position.id })).toString('base64url');
}

/** Decodes a cursor; throws a ValidationError when it is malformed or belongs to another sort order. */
export function decodeCursor(cursor: string, sort: string): CursorPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const result = cursorSchema.safeParse(parsed);
  if (!result.success || result.data.s !== sort) {
    throw new ValidationError('the cursor is invalid or was issued for another sort order', [
      { in: 'query', pointer: '/cursor', detail: 'pass the nextCursor of the previous page with the same sort' },
    ]);
  }
  return { sort: result.data.s, value: result.data.v, id: result.data.i };
}

/**
 * A sortable column and its SQL type. The cursor carries the column's value
 * as PostgreSQL's text form, so timestamps keep their microseconds.
 */
export interface SortKey {
  readonly column: string;
  readonly type: 'timestamptz' | 'smallint' | 'text';
}

/** Alias of the extra selected column that contains the sort key's text form. */
const sortValueAlias = 'sort_value';

/**
 * Applies keyset pagination: order by (key, id) in the given direction, start
 * after the cursor's position, and fetch one row more than the page to learn
 * whether a next page exists. Row comparison keeps it exact with duplicate keys.
 */
export function applyKeyset(
  query: Knex.QueryBuilder,
  key: SortKey,
  descending: boolean,
  limit: number,
  cursor: CursorPosition | undefined,
): Knex.QueryBuilder {
  const direction = descending ? 'desc' : 'asc';
  if (cursor !== undefined) {
    const operator = descending ? '<' : '>';
    query.whereRaw(`(??, ??) ${operator} (?::${key.type}, ?)`, [key.column, 'id', String(cursor.value), cursor.id]);
  }
  return query
    .select(query.client.raw('??::text AS ??', [key.column, sortValueAlias]))
    .orderBy([
      { column: key.column, order: direction },
      { column: 'id', order: direction },
    ])
    .limit(limit + 1);
}

/** Cuts the extra row fetched by applyKeyset and builds the next cursor from the last kept row. */
export function toPage<Row extends { id: string; sort_value: string }, Item>(
  rows: Row[],
  limit: number,
  sort: string,
  toItem: (row: Row) => Item,
): Page<Item> {
  const hasMore = rows.length > limit;
  const kept = hasMore ? rows.slice(0, limit) : rows;
  const last = kept.at(-1);
  return {
    items: kept.map(toItem),
    nextCursor: hasMore && last !== undefined ? encodeCursor({ sort, value: last.sort_value, id: last.id }) : null,
  };
}
