import type { Knex } from 'knex';
import * as createUsers from './0001_create_users.ts';
import * as createProjects from './0002_create_projects.ts';
import * as createTasks from './0003_create_tasks.ts';
import * as createEvents from './0004_create_events.ts';

/** A migration with the name recorded in the knex_migrations table. */
export interface NamedMigration {
  readonly name: string;
  readonly migration: Knex.Migration;
}

/**
 * Every migration in the order it runs. They are imported statically, not
 * read from a folder, so the same list works from the TypeScript sources under
 * jest and from the compiled dist/ tree.
 */
export const migrations: readonly NamedMigration[] = [
  { name: '0001_create_users', migration: createUsers },
  { name: '0002_create_projects', migration: createProjects },
  { name: '0003_create_tasks', migration: createTasks },
  { name: '0004_create_events', migration: createEvents },
];
