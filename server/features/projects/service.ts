import type { Knex } from 'knex';
import { isUniqueViolation } from '../../db/errors.ts';
import { ConflictError, NotFoundError } from '../../http/errors.ts';
import type { Page } from '../../shared/pagination.ts';
import type { CreateProjectInput, ListProjectsQuery, Project, UpdateProjectInput } from './schemas.ts';
import * as store from './store.ts';

/** Project use cases of one user. */
export interface ProjectService {
  create(userId: string, input: CreateProjectInput): Promise<Project>;
  get(userId: string, id: string): Promise<Project>;
  list(userId: string, query: ListProjectsQuery): Promise<Page<Project>>;
  update(userId: string, id: string, input: UpdateProjectInput): Promise<Project>;
  /** Deletes a project; with tasks it is rejected unless `cascade`, which deletes them too. */
  remove(userId: string, id: string, cascade: boolean): Promise<{ deletedTasks: number }>;
}

function duplicateName(name: string | undefined): ConflictError {
  return new ConflictError(`a project named "${name ?? ''}" already exists; choose another name`, [
    { in: 'body', pointer: '/name', detail: 'already used by another of your projects' },
  ]);
}

/** Creates the project use cases; reads go to `reader`, changes to `writer`. */
export function createProjectService(writer: Knex, reader: Knex): ProjectService {
  return {
    async create(userId, input) {
      try {
        return await store.insertProject(writer, userId, input);
      } catch (error) {
        if (isUniqueViolation(error)) throw duplicateName(input.name);
        throw error;
      }
    },

    async get(userId, id) {
      const project = await store.findProject(reader, userId, id);
      if (project === undefined) throw new NotFoundError('project', id);
      return project;
    },

    list(userId, query) {
      return store.listProjects(reader, userId, query);
    },

    async update(userId, id, input) {
      let project: Project | undefined;
      try {
        project = await store.updateProject(writer, userId, id, input);
      } catch (error) {
        if (isUniqueViolation(error)) throw duplicateName(input.name);
        throw error;
      }
      if (project === undefined) throw new NotFoundError('project', id);
      return project;
    },

    async remove(userId, id, cascade) {
      return writer.transaction(async (transaction) => {
        // Locks the project row so no task can be added to it between the count and the delete.
        const locked = await transaction('projects').where({ id, user_id: userId }).forUpdate().first('id');
        if (locked === undefined) throw new NotFoundError('project', id);
        const taskCount = await store.countProjectTasks(transaction, userId, id);
        if (taskCount > 0 && !cascade) {
          throw new ConflictError(
            `project ${id} still has ${taskCount} task(s); move or delete them, or repeat with ?cascade=true`,
          );
        }
        const deletedTasks = taskCount > 0 ? await store.deleteProjectTasks(transaction, userId, id) : 0;
        await store.deleteProject(transaction, userId, id);
        return { deletedTasks };
      });
    },
  };
}
