import pg from 'pg';
import { RunnerError } from './errors.ts';

/**
 * How to reach the database, read from the variables that a Job maps from the
 * app's database Secret: DATABASE_URL (key `url`), or PGHOST, PGPORT,
 * PGDATABASE, PGUSER and PGPASSWORD (keys host, port, database, username, password).
 */
export interface ConnectionSettings {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password: string | undefined;
  /** The DATABASE_URL as given, when the settings came from it (its query parameters, such as sslmode, count). */
  readonly url: string | undefined;
}

/** Reads the connection settings; throws InvalidConfiguration naming the variable that is missing or invalid. */
export function readConnectionSettings(env: NodeJS.ProcessEnv): ConnectionSettings {
  const url = env.DATABASE_URL;
  if (url !== undefined && url !== '') return settingsFromUrl(url);

  const missing = ['PGHOST', 'PGDATABASE', 'PGUSER'].filter((name) => (env[name] ?? '') === '');
  if (missing.length > 0) {
    throw new RunnerError(
      'InvalidConfiguration',
      `the database connection is not configured: ${missing.join(', ')} missing`,
      {
        hint: 'set DATABASE_URL, or PGHOST, PGPORT, PGDATABASE, PGUSER and PGPASSWORD, from the database Secret',
      },
    );
  }
  const port = parsePort(env.PGPORT ?? '5432', 'PGPORT');
  return {
    host: env.PGHOST ?? '',
    port,
    database: env.PGDATABASE ?? '',
    user: env.PGUSER ?? '',
    password: env.PGPASSWORD === '' ? undefined : env.PGPASSWORD,
    url: undefined,
  };
}

function parsePort(text: string, variable: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) {
    throw new RunnerError('InvalidConfiguration', `${variable} ${JSON.stringify(text)} is not a TCP port (1-65535)`);
  }
  return port;
}

function settingsFromUrl(text: string): ConnectionSettings {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new RunnerError('InvalidConfiguration', 'DATABASE_URL is not a valid URL', {
      hint: 'use the form postgres://USER:PASSWORD@HOST:PORT/DATABASE',
    });
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new RunnerError(
      'InvalidConfiguration',
      `DATABASE_URL has scheme ${url.protocol}, expected postgres: or postgresql:`,
    );
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (database === '' || url.hostname === '' || url.username === '') {
    throw new RunnerError('InvalidConfiguration', 'DATABASE_URL must name a host, a user and a database', {
      hint: 'use the form postgres://USER:PASSWORD@HOST:PORT/DATABASE',
    });
  }
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? 5432 : parsePort(url.port, 'the port of DATABASE_URL'),
    database,
    user: decodeURIComponent(url.username),
    password: url.password === '' ? undefined : decodeURIComponent(url.password),
    url: text,
  };
}

/** Describes the target without its password, for logs and messages. */
export function describeTarget(settings: ConnectionSettings): string {
  return `database ${settings.database} on ${settings.host}:${settings.port} as ${settings.user}`;
}

/**
 * Returns the `--dbname` argument and the environment for pg_dump, pg_restore
 * and psql. The password travels in PGPASSWORD, never on the command line,
 * where any process on the node could read it.
 */
export function pgToolConnection(
  settings: ConnectionSettings,
  baseEnv: NodeJS.ProcessEnv,
): { dbname: string; env: NodeJS.ProcessEnv } {
  const env: NodeJS.ProcessEnv = { ...baseEnv, PGAPPNAME: 'planner-backup' };
  delete env.DATABASE_URL;
  if (settings.password === undefined) delete env.PGPASSWORD;
  else env.PGPASSWORD = settings.password;
  if (settings.url !== undefined) {
    const url = new URL(settings.url);
    url.password = '';
    for (const name of ['PGHOST', 'PGPORT', 'PGDATABASE', 'PGUSER']) delete env[name];
    return { dbname: url.toString(), env };
  }
  Object.assign(env, {
    PGHOST: settings.host,
    PGPORT: String(settings.port),
    PGDATABASE: settings.database,
    PGUSER: settings.user,
  });
  return { dbname: settings.database, env };
}

/** Error codes that mean the credentials or the database name are wrong, with the fix for each. */
const connectionHints: Readonly<Record<string, string>> = {
  '28P01': 'check the password key of the database Secret',
  '28000': 'check the username key of the database Secret and the server pg_hba.conf',
  '3D000': 'check the database key of the database Secret',
  ECONNREFUSED: 'check that PostgreSQL is running and that the host and port of the database Secret are right',
  ENOTFOUND: 'check the host key of the database Secret',
  ETIMEDOUT: 'check the host and port of the database Secret and any network policy between the Job and the database',
};

/** Opens a session; throws ConnectionFailed with the server's reason and a hint. */
export async function connect(settings: ConnectionSettings): Promise<pg.Client> {
  const client = new pg.Client(
    settings.url !== undefined
      ? { connectionString: settings.url, application_name: 'planner-backup', connectionTimeoutMillis: 30_000 }
      : {
          host: settings.host,
          port: settings.port,
          database: settings.database,
          user: settings.user,
          password: settings.password,
          application_name: 'planner-backup',
          connectionTimeoutMillis: 30_000,
        },
  );
  // A connection lost later surfaces through the failing query; without a listener it would crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    const code = (error as { code?: string }).code ?? '';
    const reason = error instanceof Error ? error.message : String(error);
    throw new RunnerError('ConnectionFailed', `connecting to ${describeTarget(settings)} failed: ${reason}`, {
      hint: connectionHints[code] ?? 'check the database Secret and that the server accepts connections from the Job',
      cause: error,
    });
  }
}

/** A user table, as pg_dump dumps it. */
export interface TableRowCount {
  readonly schema: string;
  readonly name: string;
  readonly rows: number;
}

/** Ordinary tables outside the system schemas, including partitions, excluding tables owned by extensions. */
const userTablesQuery = `
  SELECT n.nspname AS schema, c.relname AS name
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind = 'r'
    AND n.nspname <> 'information_schema'
    AND n.nspname NOT LIKE 'pg\\_%'
    AND NOT EXISTS (
      SELECT 1 FROM pg_catalog.pg_depend d
      WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
    )
  ORDER BY 1, 2`;

/** Lists the user tables visible to the session. */
export async function listUserTables(client: pg.Client): Promise<{ schema: string; name: string }[]> {
  const result = await client.query<{ schema: string; name: string }>(userTablesQuery);
  return result.rows;
}

/** Counts the rows of each table with `count(*)`, in the session's current transaction and snapshot. */
export async function countRows(
  client: pg.Client,
  tables: readonly { schema: string; name: string }[],
): Promise<TableRowCount[]> {
  const counts: TableRowCount[] = [];
  for (const table of tables) {
    const relation = `${client.escapeIdentifier(table.schema)}.${client.escapeIdentifier(table.name)}`;
    const result = await client.query<{ rows: string }>(`SELECT count(*) AS rows FROM ${relation}`);
    counts.push({ schema: table.schema, name: table.name, rows: Number(result.rows[0]?.rows ?? 0) });
  }
  return counts;
}

/** Reads the server's version string, for example `15.14 (Debian 15.14-0+deb12u1)`. */
export async function readServerVersion(client: pg.Client): Promise<string> {
  const result = await client.query<{ version: string }>("SELECT current_setting('server_version') AS version");
  return result.rows[0]?.version ?? 'unknown';
}
