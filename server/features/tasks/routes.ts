import { problemResponses } from '../../http/openapi-responses.ts';
import { defineRoute, type AnyRoute } from '../../http/routing.ts';
import { pageSchema } from '../../shared/pagination.ts';
import { idParams } from '../../shared/schemas.ts';
import { createTaskBody, dependencyParams, listTasksQuery, taskSchema, updateTaskBody } from './schemas.ts';
import type { TaskService } from './service.ts';

const tag = 'tasks';

/** CRUD routes of tasks and their dependencies. */
export function taskRoutes(tasks: TaskService): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/tasks',
      operationId: 'listTasks',
      summary: 'List tasks, filtered and sorted, a page at a time',
      tag,
      auth: true,
      query: listTasksQuery,
      responses: {
        200: { description: 'A page of tasks', schema: pageSchema(taskSchema) },
        ...problemResponses(400, 401),
      },
      handler: async (context) => ({ status: 200, body: await tasks.list(context.userId, context.query) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/tasks',
      operationId: 'createTask',
      summary: 'Create a task',
      tag,
      auth: true,
      body: createTaskBody,
      responses: { 201: { description: 'Created', schema: taskSchema }, ...problemResponses(400, 401, 409, 422) },
      handler: async (context) => {
        const task = await tasks.create(context.userId, context.body);
        return { status: 201, body: task, headers: { Location: `/api/v1/tasks/${task.id}` } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/tasks/:id',
      operationId: 'getTask',
      summary: 'Read a task',
      tag,
      auth: true,
      params: idParams,
      responses: { 200: { description: 'The task', schema: taskSchema }, ...problemResponses(400, 401, 404) },
      handler: async (context) => ({ status: 200, body: await tasks.get(context.userId, context.params.id) }),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/tasks/:id',
      operationId: 'updateTask',
      summary: 'Change some fields of a task',
      tag,
      auth: true,
      params: idParams,
      body: updateTaskBody,
      responses: {
        200: {
          description:
            'Updated. When a recurring task is completed, its next occurrence is created and linked with rel="next-occurrence".',
          schema: taskSchema,
        },
        ...problemResponses(400, 401, 404, 409, 422),
      },
      handler: async (context) => {
        const change = await tasks.update(context.userId, context.params.id, context.body);
        const next = change.nextOccurrence;
        return {
          status: 200,
          body: change.task,
          ...(next === undefined ? {} : { headers: { Link: `</api/v1/tasks/${next.id}>; rel="next-occurrence"` } }),
        };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/tasks/:id',
      operationId: 'deleteTask',
      summary: 'Delete a task and its dependency links',
      tag,
      auth: true,
      params: idParams,
      responses: { 204: { description: 'Deleted' }, ...problemResponses(400, 401, 404) },
      handler: async (context) => {
        await tasks.remove(context.userId, context.params.id);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/v1/tasks/:id/dependencies/:blockerId',
      operationId: 'addTaskDependency',
      summary: 'Make a task wait for another task',
      tag,
      auth: true,
      params: dependencyParams,
      responses: {
        200: { description: 'The task with its blockers', schema: taskSchema },
        ...problemResponses(400, 401, 404, 409, 422),
      },
      handler: async (context) => ({
        status: 200,
        body: await tasks.addDependency(context.userId, context.params.id, context.params.blockerId),
      }),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/tasks/:id/dependencies/:blockerId',
      operationId: 'removeTaskDependency',
      summary: 'Stop a task waiting for another task',
      tag,
      auth: true,
      params: dependencyParams,
      responses: {
        200: { description: 'The task with its blockers', schema: taskSchema },
        ...problemResponses(400, 401, 404),
      },
      handler: async (context) => ({
        status: 200,
        body: await tasks.removeDependency(context.userId, context.params.id, context.params.blockerId),
      }),
    }),
  ];
}
