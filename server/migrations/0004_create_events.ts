import type { Knex } from 'knex';

/** Calendar events; an event always ends after it starts. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('events', (table) => {
    table.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    table.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    table.text('title').notNullable();
    table.timestamp('start_at', { useTz: true }).notNullable();
    table.timestamp('end_at', { useTz: true }).notNullable();
    table.text('location').notNullable().defaultTo('');
    table.text('description').notNullable().defaultTo('');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('ALTER TABLE events ADD CONSTRAINT events_end_after_start CHECK (end_at > start_at)');
  await knex.raw('CREATE INDEX events_user_start ON events (user_id, start_at, id)');
  await knex.raw('CREATE INDEX events_user_end ON events (user_id, end_at)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('events');
}
