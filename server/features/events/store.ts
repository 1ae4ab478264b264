import type { Knex } from 'knex';
import { applyKeyset, decodeCursor, toPage, type Page } from '../../shared/pagination.ts';
import { escapeLike } from '../../shared/schemas.ts';
import type { CreateEventInput, Event, ListEventsQuery, UpdateEventInput } from './schemas.ts';

interface EventRow {
  id: string;
  title: string;
  start_at: Date;
  end_at: Date;
  location: string;
  description: string;
  created_at: Date;
  updated_at: Date;
}

const columns = ['id', 'title', 'start_at', 'end_at', 'location', 'description', 'created_at', 'updated_at'];

/** Maps a row to the API shape. */
export function toEvent(row: EventRow): Event {
  return {
    id: row.id,
    title: row.title,
    startAt: row.start_at.toISOString(),
    endAt: row.end_at.toISOString(),
    location: row.location,
    description: row.description,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export async function insertEvent(db: Knex, userId: string, input: CreateEventInput): Promise<Event> {
  const [row] = await db('events')
    .insert({
      user_id: userId,
      title: input.title,
      start_at: input.startAt,
      end_at: input.endAt,
      location: input.location,
      description: input.description,
    })
    .returning(columns);
  return toEvent(row as EventRow);
}

export async function findEvent(db: Knex, userId: string, id: string, forUpdate = false): Promise<Event | undefined> {
  const query = db('events').select(columns).where({ id, user_id: userId }).first();
  if (forUpdate) query.forUpdate();
  const row = (await query) as EventRow | undefined;
  return row === undefined ? undefined : toEvent(row);
}

/** Lists events overlapping [from, to) by start time, a page at a time. */
export async function listEvents(db: Knex, userId: string, query: ListEventsQuery): Promise<Page<Event>> {
  const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor, 'startAt');
  const builder = db('events').select(columns).where({ user_id: userId });
  if (query.from !== undefined) builder.where('end_at', '>', query.from);
  if (query.to !== undefined) builder.where('start_at', '<', query.to);
  if (query.q !== undefined) builder.whereILike('title', `%${escapeLike(query.q)}%`);
  const rows = await applyKeyset(builder, { column: 'start_at', type: 'timestamptz' }, false, query.limit, cursor);
  return toPage(rows as (EventRow & { sort_value: string })[], query.limit, 'startAt', toEvent);
}

/** Lists every event overlapping [from, to) by start time, at most `limit` of them. */
export async function eventsBetween(db: Knex, userId: string, from: Date, to: Date, limit: number): Promise<Event[]> {
  const rows = await db('events')
    .select(columns)
    .where({ user_id: userId })
    .where('end_at', '>', from)
    .where('start_at', '<', to)
    .orderBy([{ column: 'start_at' }, { column: 'id' }])
    .limit(limit);
  return (rows as EventRow[]).map(toEvent);
}

export async function updateEvent(db: Knex, userId: string, id: string, input: UpdateEventInput): Promise<Event> {
  const values: Record<string, unknown> = { updated_at: db.fn.now() };
  if (input.title !== undefined) values.title = input.title;
  if (input.startAt !== undefined) values.start_at = input.startAt;
  if (input.endAt !== undefined) values.end_at = input.endAt;
  if (input.location !== undefined) values.location = input.location;
  if (input.description !== undefined) values.description = input.description;
  const [row] = await db('events').where({ id, user_id: userId }).update(values).returning(columns);
  return toEvent(row as EventRow);
}

export async function deleteEvent(db: Knex, userId: string, id: string): Promise<boolean> {
  return (await db('events').where({ id, user_id: userId }).delete()) > 0;
}
