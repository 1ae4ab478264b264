import type { Knex } from 'knex';

/**
 * Tasks and their dependencies. Composite foreign keys on (id, user_id) make
 * the database itself reject a task in another user's project or a
 * dependency between two users' tasks.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('tasks', (table) => {
    table.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    table.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    table.uuid('project_id');
    table.text('title').notNullable();
    table.text('description').notNullable().defaultTo('');
    table.text('status').notNullable().defaultTo('todo');
    table.text('priority').notNullable().defaultTo('medium');
    table.specificType('tags', 'text[]').notNullable().defaultTo('{}');
    table.timestamp('due_at', { useTz: true });
    table.timestamp('start_at', { useTz: true });
    table.integer('estimate_minutes');
    table.text('recurrence_frequency');
    table.integer('recurrence_interval');
    table.timestamp('recurrence_until', { useTz: true });
    table.timestamp('completed_at', { useTz: true });
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.unique(['id', 'user_id']);
    table.foreign(['project_id', 'user_id']).references(['id', 'user_id']).inTable('projects').onDelete('RESTRICT');
  });
  await knex.raw(`
    ALTER TABLE tasks
      ADD CONSTRAINT tasks_status_valid CHECK (status IN ('todo', 'in_progress', 'blocked', 'done')),
      ADD CONSTRAINT tasks_priority_valid CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
      ADD CONSTRAINT tasks_estimate_positive CHECK (estimate_minutes IS NULL OR estimate_minutes > 0),
      ADD CONSTRAINT tasks_recurrence_valid CHECK (
        (recurrence_frequency IS NULL AND recurrence_interval IS NULL AND recurrence_until IS NULL)
        OR (recurrence_frequency IN ('daily', 'weekly', 'monthly') AND recurrence_interval >= 1)
      ),
      ADD COLUMN priority_rank smallint GENERATED ALWAYS AS (
        CASE priority WHEN 'low' THEN 0 WHEN 'medium' THEN 1 WHEN 'high' THEN 2 ELSE 3 END
      ) STORED,
      ADD COLUMN due_sort timestamptz GENERATED ALWAYS AS (COALESCE(due_at, 'infinity')) STORED
  `);
  await knex.raw('CREATE INDEX tasks_user_created ON tasks (user_id, created_at, id)');
  await knex.raw('CREATE INDEX tasks_user_updated ON tasks (user_id, updated_at, id)');
  await knex.raw('CREATE INDEX tasks_user_due ON tasks (user_id, due_sort, id)');
  await knex.raw('CREATE INDEX tasks_user_priority ON tasks (user_id, priority_rank, id)');
  await knex.raw('CREATE INDEX tasks_user_title ON tasks (user_id, title, id)');
  await knex.raw('CREATE INDEX tasks_project ON tasks (project_id) WHERE project_id IS NOT NULL');
  await knex.raw('CREATE INDEX tasks_tags ON tasks USING gin (tags)');

  await knex.schema.createTable('task_dependencies', (table) => {
    table.uuid('user_id').notNullable();
    table.uuid('task_id').notNullable();
    table.uuid('blocker_id').notNullable();
    table.primary(['task_id', 'blocker_id']);
    table.foreign(['task_id', 'user_id']).references(['id', 'user_id']).inTable('tasks').onDelete('CASCADE');
    table.foreign(['blocker_id', 'user_id']).references(['id', 'user_id']).inTable('tasks').onDelete('CASCADE');
    table.index(['blocker_id']);
  });
  await knex.raw(
    'ALTER TABLE task_dependencies ADD CONSTRAINT task_dependencies_not_self CHECK (task_id <> blocker_id)',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('task_dependencies');
  await knex.schema.dropTable('tasks');
}
