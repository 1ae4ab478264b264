import { z } from 'zod';
import { problemResponses } from '../../http/openapi-responses.ts';
import { defineRoute, type AnyRoute } from '../../http/routing.ts';
import { pageSchema } from '../../shared/pagination.ts';
import { idParams } from '../../shared/schemas.ts';
import {
  createProjectBody,
  deleteProjectQuery,
  listProjectsQuery,
  projectSchema,
  updateProjectBody,
} from './schemas.ts';
import type { ProjectService } from './service.ts';

const tag = 'projects';

/** CRUD routes of projects. */
export function projectRoutes(projects: ProjectService): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/projects',
      operationId: 'listProjects',
      summary: 'List projects, a page at a time',
      tag,
      auth: true,
      query: listProjectsQuery,
      responses: {
        200: { description: 'A page of projects', schema: pageSchema(projectSchema) },
        ...problemResponses(400, 401),
      },
      handler: async (context) => ({ status: 200, body: await projects.list(context.userId, context.query) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/projects',
      operationId: 'createProject',
      summary: 'Create a project',
      tag,
      auth: true,
      body: createProjectBody,
      responses: { 201: { description: 'Created', schema: projectSchema }, ...problemResponses(400, 401, 409) },
      handler: async (context) => {
        const project = await projects.create(context.userId, context.body);
        return { status: 201, body: project, headers: { Location: `/api/v1/projects/${project.id}` } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/projects/:id',
      operationId: 'getProject',
      summary: 'Read a project',
      tag,
      auth: true,
      params: idParams,
      responses: { 200: { description: 'The project', schema: projectSchema }, ...problemResponses(400, 401, 404) },
      handler: async (context) => ({ status: 200, body: await projects.get(context.userId, context.params.id) }),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/projects/:id',
      operationId: 'updateProject',
      summary: 'Change some fields of a project',
      tag,
      auth: true,
      params: idParams,
      body: updateProjectBody,
      responses: { 200: { description: 'Updated', schema: projectSchema }, ...problemResponses(400, 401, 404, 409) },
      handler: async (context) => ({
        status: 200,
        body: await projects.update(context.userId, context.params.id, context.body),
      }),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/projects/:id',
      operationId: 'deleteProject',
      summary: 'Delete a project; with tasks only when cascade=true',
      tag,
      auth: true,
      params: idParams,
      query: deleteProjectQuery,
      responses: {
        200: { description: 'Deleted', schema: z.object({ deletedTasks: z.number().int() }) },
        ...problemResponses(400, 401, 404, 409),
      },
      handler: async (context) => ({
        status: 200,
        body: await projects.remove(context.userId, context.params.id, context.query.cascade),
      }),
    }),
  ];
}
