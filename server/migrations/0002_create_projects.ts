import type { Knex } from 'knex';

/**
 * Projects of a user. The unique (id, user_id) pair is the target of the
 * composite foreign keys that keep tasks inside their owner's projects.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('projects', (table) => {
    table.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    table.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    table.text('name').notNullable();
    table.text('description').notNullable().defaultTo('');
    table.text('colour').notNullable().defaultTo('#4f46e5');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.unique(['id', 'user_id']);
    table.index(['user_id', 'created_at', 'id']);
  });
  await knex.raw('CREATE UNIQUE INDEX projects_user_name_unique ON projects (user_id, lower(name))');
  await knex.raw("ALTER TABLE projects ADD CONSTRAINT projects_colour_hex CHECK (colour ~ '^#[0-9a-fA-F]{6}$')");
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('projects');
}
