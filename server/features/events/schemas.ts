import { z } from 'zod';
import { pageQuery } from '../../shared/pagination.ts';
import { dateTimeInput, nonEmptyPatch } from '../../shared/schemas.ts';

export const eventSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    startAt: z.iso.datetime(),
    endAt: z.iso.datetime(),
    location: z.string(),
    description: z.string(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Event' });
export type Event = z.infer<typeof eventSchema>;

const fields = {
  title: z.string().trim().min(1, { error: 'must not be empty' }).max(500),
  startAt: dateTimeInput,
  endAt: dateTimeInput,
  location: z.string().max(500),
  description: z.string().max(10_000),
};

const endAfterStart = { error: 'endAt must be after startAt', path: ['endAt'] };

export const createEventBody = z
  .strictObject({
    title: fields.title,
    startAt: fields.startAt,
    endAt: fields.endAt,
    location: fields.location.default(''),
    description: fields.description.default(''),
  })
  .refine((value) => value.endAt > value.startAt, endAfterStart);
export type CreateEventInput = z.infer<typeof createEventBody>;

export const updateEventBody = nonEmptyPatch(
  z.strictObject({
    title: fields.title.optional(),
    startAt: fields.startAt.optional(),
    endAt: fields.endAt.optional(),
    location: fields.location.optional(),
    description: fields.description.optional(),
  }),
).refine(
  (value) => value.startAt === undefined || value.endAt === undefined || value.endAt > value.startAt,
  endAfterStart,
);
export type UpdateEventInput = z.infer<typeof updateEventBody>;

/** Maximum agenda window of one request, in days. */
export const maxAgendaDays = 366;

export const listEventsQuery = z
  .strictObject({
    ...pageQuery,
    from: dateTimeInput.optional().describe('Keep events that end after this time.'),
    to: dateTimeInput.optional().describe('Keep events that start before this time.'),
    q: z.string().trim().min(1).max(200).optional().describe('Text to find in titles, case-insensitive.'),
  })
  .refine((value) => value.from === undefined || value.to === undefined || value.to > value.from, {
    error: 'to must be after from',
    path: ['to'],
  });
export type ListEventsQuery = z.infer<typeof listEventsQuery>;

export const agendaQuery = z
  .strictObject({ from: dateTimeInput, to: dateTimeInput })
  .refine((value) => value.to > value.from, { error: 'to must be after from', path: ['to'] })
  .refine((value) => value.to.getTime() - value.from.getTime() <= maxAgendaDays * 24 * 3600 * 1000, {
    error: `the window must be at most ${maxAgendaDays} days`,
    path: ['to'],
  });
export type AgendaQuery = z.infer<typeof agendaQuery>;

export const agendaSchema = z.object({
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  events: z.array(eventSchema).describe('Events overlapping the window, by start time.'),
  tasks: z.array(z.looseObject({ id: z.uuid() })).describe('Open tasks due inside the window, by due time.'),
});
