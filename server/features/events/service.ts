import type { Knex } from 'knex';
import { NotFoundError, ValidationError } from '../../http/errors.ts';
import { maxPageSize, type Page } from '../../shared/pagination.ts';
import type { Task } from '../tasks/schemas.ts';
import type { TaskService } from '../tasks/service.ts';
import type { AgendaQuery, CreateEventInput, Event, ListEventsQuery, UpdateEventInput } from './schemas.ts';
import * as store from './store.ts';

/** Events and open tasks inside a time window. */
export interface Agenda {
  readonly from: string;
  readonly to: string;
  readonly events: Event[];
  readonly tasks: Task[];
}

/** Event use cases of one user. The `…In` variant runs inside a caller's transaction. */
export interface EventService {
  create(userId: string, input: CreateEventInput): Promise<Event>;
  createIn(transaction: Knex.Transaction, userId: string, input: CreateEventInput): Promise<Event>;
  get(userId: string, id: string): Promise<Event>;
  list(userId: string, query: ListEventsQuery): Promise<Page<Event>>;
  update(userId: string, id: string, input: UpdateEventInput): Promise<Event>;
  remove(userId: string, id: string): Promise<void>;
  /** Events overlapping the window and open tasks due in it, each capped at the maximum page size. */
  agenda(userId: string, query: AgendaQuery): Promise<Agenda>;
}

/** Creates the event use cases; reads go to `reader`, changes to `writer`. */
export function createEventService(writer: Knex, reader: Knex, tasks: TaskService): EventService {
  return {
    create: (userId, input) => store.insertEvent(writer, userId, input),
    createIn: (transaction, userId, input) => store.insertEvent(transaction, userId, input),

    async get(userId, id) {
      const event = await store.findEvent(reader, userId, id);
      if (event === undefined) throw new NotFoundError('event', id);
      return event;
    },

    list: (userId, query) => store.listEvents(reader, userId, query),

    update: (userId, id, input) =>
      writer.transaction(async (transaction) => {
        const current = await store.findEvent(transaction, userId, id, true);
        if (current === undefined) throw new NotFoundError('event', id);
        const start = input.startAt ?? new Date(current.startAt);
        const end = input.endAt ?? new Date(current.endAt);
        if (end <= start) {
          throw new ValidationError('the event would end before it starts', [
            {
              in: 'body',
              pointer: input.endAt === undefined ? '/startAt' : '/endAt',
              detail: 'endAt must be after startAt',
            },
          ]);
        }
        return store.updateEvent(transaction, userId, id, input);
      }),

    async remove(userId, id) {
      if (!(await store.deleteEvent(writer, userId, id))) throw new NotFoundError('event', id);
    },

    async agenda(userId, query) {
      const [events, dueTasks] = await Promise.all([
        store.eventsBetween(reader, userId, query.from, query.to, maxPageSize),
        tasks.list(userId, {
          limit: maxPageSize,
          sort: { key: 'dueAt', descending: false, raw: 'dueAt' },
          status: ['todo', 'in_progress', 'blocked'],
          dueAfter: query.from,
          dueBefore: query.to,
        }),
      ]);
      return { from: query.from.toISOString(), to: query.to.toISOString(), events, tasks: dueTasks.items };
    },
  };
}
