import { problemResponses } from '../../http/openapi-responses.ts';
import { defineRoute, type AnyRoute } from '../../http/routing.ts';
import { pageSchema } from '../../shared/pagination.ts';
import { idParams } from '../../shared/schemas.ts';
import {
  agendaQuery,
  agendaSchema,
  createEventBody,
  eventSchema,
  listEventsQuery,
  updateEventBody,
} from './schemas.ts';
import type { EventService } from './service.ts';

const tag = 'events';

/** CRUD routes of events and the agenda. */
export function eventRoutes(events: EventService): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/events',
      operationId: 'listEvents',
      summary: 'List events by start time, optionally inside a window',
      tag,
      auth: true,
      query: listEventsQuery,
      responses: {
        200: { description: 'A page of events', schema: pageSchema(eventSchema) },
        ...problemResponses(400, 401),
      },
      handler: async (context) => ({ status: 200, body: await events.list(context.userId, context.query) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/events',
      operationId: 'createEvent',
      summary: 'Create an event',
      tag,
      auth: true,
      body: createEventBody,
      responses: { 201: { description: 'Created', schema: eventSchema }, ...problemResponses(400, 401) },
      handler: async (context) => {
        const event = await events.create(context.userId, context.body);
        return { status: 201, body: event, headers: { Location: `/api/v1/events/${event.id}` } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/events/:id',
      operationId: 'getEvent',
      summary: 'Read an event',
      tag,
      auth: true,
      params: idParams,
      responses: { 200: { description: 'The event', schema: eventSchema }, ...problemResponses(400, 401, 404) },
      handler: async (context) => ({ status: 200, body: await events.get(context.userId, context.params.id) }),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/events/:id',
      operationId: 'updateEvent',
      summary: 'Change some fields of an event',
      tag,
      auth: true,
      params: idParams,
      body: updateEventBody,
      responses: { 200: { description: 'Updated', schema: eventSchema }, ...problemResponses(400, 401, 404) },
      handler: async (context) => ({
        status: 200,
        body: await events.update(context.userId, context.params.id, context.body),
      }),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/events/:id',
      operationId: 'deleteEvent',
      summary: 'Delete an event',
      tag,
      auth: true,
      params: idParams,
      responses: { 204: { description: 'Deleted' }, ...problemResponses(400, 401, 404) },
      handler: async (context) => {
        await events.remove(context.userId, context.params.id);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/agenda',
      operationId: 'getAgenda',
      summary: 'Events overlapping a window and open tasks due in it',
      tag,
      auth: true,
      query: agendaQuery,
      responses: { 200: { description: 'The agenda', schema: agendaSchema }, ...problemResponses(400, 401) },
      handler: async (context) => ({ status: 200, body: await events.agenda(context.userId, context.query) }),
    }),
  ];
}
