import knex, { type Knex } from 'knex';
import pg from 'pg';
import type { Config, DatabaseConnection } from '../config.ts';
import type { PoolUsage } from '../metrics.ts';

// PostgreSQL's bigint (int8, OID 20) is parsed as a number: counts and
// estimates stay far below 2^53, and JSON has no bigint.
pg.types.setTypeParser(20, (value) => Number(value));

/** The server's Knex instances: `writer` for everything that changes rows, `reader` for read-only queries. */
export interface Database {
  readonly writer: Knex;
  /** The replica when DATABASE_READ_URL is set, else the same instance as `writer`. */
  readonly reader: Knex;
  /** Pool figures by role, for the metrics. */
  poolUsage(): Record<string, PoolUsage | undefined>;
  destroy(): Promise<void>;
}

/** How long a query waits for a pooled connection before failing, so requests fail fast when the database is gone. */
const acquireTimeoutMs = 5000;
/** Time to open one TCP connection; an unreachable host is detected within this. */
const connectTimeoutMs = 3000;

function createKnex(connection: DatabaseConnection, poolMax: number, applicationName: string): Knex {
  return knex({
    client: 'pg',
    connection: {
      ...connection,
      application_name: applicationName,
      connectionTimeoutMillis: connectTimeoutMs,
      keepAlive: true,
    } as Knex.PgConnectionConfig,
    pool: { min: 0, max: poolMax, idleTimeoutMillis: 30_000 },
    acquireConnectionTimeout: acquireTimeoutMs,
  });
}

function usageOf(instance: Knex, max: number): PoolUsage | undefined {
  const pool = (instance.client as { pool?: { numUsed(): number; numFree(): number; numPendingAcquires(): number } })
    .pool;
  if (pool === undefined) return undefined;
  return { used: pool.numUsed(), free: pool.numFree(), pendingAcquires: pool.numPendingAcquires(), max };
}

/** Creates the writer pool and, when configured, a reader pool on the replica. No connection is opened yet. */
export function createDatabase(config: Pick<Config, 'database' | 'readDatabase' | 'databasePoolMax'>): Database {
  const writer = createKnex(config.database, config.databasePoolMax, 'planner-server');
  const reader =
    config.readDatabase === undefined
      ? writer
      : createKnex(config.readDatabase, config.databasePoolMax, 'planner-server-reader');
  return {
    writer,
    reader,
    poolUsage() {
      return {
        primary: usageOf(writer, config.databasePoolMax),
        ...(reader === writer ? {} : { replica: usageOf(reader, config.databasePoolMax) }),
      };
    },
    async destroy() {
      await Promise.all([writer.destroy(), reader === writer ? undefined : reader.destroy()]);
    },
  };
}
