import type { Knex } from 'knex';
import { migrations, type NamedMigration } from '../migrations/index.ts';

/** Table where Knex records applied migrations. */
const migrationsTable = 'knex_migrations';

/**
 * Key of the session-level advisory lock held while migrating. Knex's own lock
 * row makes a second concurrent run fail with "Migration table is already
 * locked"; the advisory lock makes it wait instead, then find nothing to do.
 */
const advisoryLockKey = 7_324_119_001;

/** Serves the statically imported migrations to Knex. */
class StaticMigrationSource implements Knex.MigrationSource<NamedMigration> {
  async getMigrations(): Promise<NamedMigration[]> {
    return [...migrations];
  }

  getMigrationName(migration: NamedMigration): string {
    return migration.name;
  }

  async getMigration(migration: NamedMigration): Promise<Knex.Migration> {
    return migration.migration;
  }
}

const migratorConfig: Knex.MigratorConfig = {
  migrationSource: new StaticMigrationSource(),
  tableName: migrationsTable,
};

/** State of the database schema compared with the migrations of this build. */
export interface SchemaStatus {
  readonly applied: readonly string[];
  /** Known migrations not applied yet, in order: the server must not serve while any exist. */
  readonly pending: readonly string[];
  /** Applied migrations this build does not know, left by a newer version. */
  readonly unknown: readonly string[];
}

/** Reads which migrations are applied, without changing anything. */
export async function readSchemaStatus(knex: Knex): Promise<SchemaStatus> {
  const exists = await knex.schema.hasTable(migrationsTable);
  const applied = exists
    ? (await knex(migrationsTable).select('name').orderBy('id')).map((row) => String(row.name))
    : [];
  const appliedSet = new Set(applied);
  const known = new Set(migrations.map((migration) => migration.name));
  return {
    applied,
    pending: migrations.map((migration) => migration.name).filter((name) => !appliedSet.has(name)),
    unknown: applied.filter((name) => !known.has(name)),
  };
}

async function withAdvisoryLock<T>(knex: Knex, work: () => Promise<T>): Promise<T> {
  const connection = await knex.client.acquireConnection();
  try {
    await knex.raw('SELECT pg_advisory_lock(?)', [advisoryLockKey]).connection(connection);
    try {
      return await work();
    } finally {
      await knex.raw('SELECT pg_advisory_unlock(?)', [advisoryLockKey]).connection(connection);
    }
  } finally {
    await knex.client.releaseConnection(connection);
  }
}

/**
 * Applies every pending migration and returns their names. Safe to run from
 * several replicas at once: they queue on an advisory lock, and each migration
 * runs in its own transaction.
 */
export async function migrateToLatest(knex: Knex): Promise<string[]> {
  return withAdvisoryLock(knex, async () => {
    const [, names] = (await knex.migrate.latest(migratorConfig)) as [number, string[]];
    return names;
  });
}

/** Reverts the last batch, or every migration with `all`, and returns the reverted names. */
export async function rollbackMigrations(knex: Knex, all = false): Promise<string[]> {
  return withAdvisoryLock(knex, async () => {
    const [, names] = (await knex.migrate.rollback(migratorConfig, all)) as [number, string[]];
    return names;
  });
}
