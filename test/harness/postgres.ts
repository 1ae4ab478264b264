import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { createRunDirectory, type RunDirectory } from './run-directory.ts';
import { findFreePort, runCommand, startProcess, waitFor, type ManagedProcess } from './processes.ts';
import { repositoryRoot } from './paths.ts';

/** A private PostgreSQL server listening on 127.0.0.1, owned by the harness. */
export interface PostgresServer {
  /** Superuser connection URL to the `postgres` database. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** Folder of the server's programs, including pg_dump, pg_restore and psql. */
  readonly binDir: string;
  readonly logFile: string;
  /** The running postgres process, for tests that kill the server on purpose. */
  readonly process: ManagedProcess;
  /** Stops the server and removes its data folder. */
  stop(): Promise<void>;
}

/** Returns the folder holding Debian's PostgreSQL programs, newest major first, or undefined. */
export function findPostgresBinDir(): string | undefined {
  const fromEnv = process.env.PG_BINDIR;
  if (fromEnv !== undefined && existsSync(join(fromEnv, 'postgres'))) return fromEnv;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root)
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a));
  for (const major of majors) {
    const dir = join(root, major, 'bin');
    if (['postgres', 'initdb', 'pg_dump', 'pg_restore', 'psql'].every((tool) => existsSync(join(dir, tool)))) {
      return dir;
    }
  }
  return undefined;
}

/**
 * Returns the PostgreSQL program folder, running scripts/setup-postgres.sh
 * (apt-get) first when the programs are missing.
 */
export function ensurePostgresBinDir(): string {
  const found = findPostgresBinDir();
  if (found !== undefined) return found;
  execFileSync('bash', [join(repositoryRoot, 'scripts', 'setup-postgres.sh')], { stdio: 'inherit' });
  const installed = findPostgresBinDir();
  if (installed === undefined) {
    throw new Error(
      'PostgreSQL programs are still missing after scripts/setup-postgres.sh; set PG_BINDIR to their folder',
    );
  }
  return installed;
}

/** PostgreSQL refuses to run as root, so as root the server runs as the `postgres` system user. */
function serverIdentity(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

async function initializeDataDirectory(run: RunDirectory, binDir: string, password: string): Promise<string> {
  const identity = serverIdentity();
  const dataDir = join(run.path, 'pgdata');
  const passwordFile = join(run.path, 'pgpass');
  await mkdir(dataDir, { mode: 0o700 });
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  if (identity !== undefined) {
    await chown(run.path, identity.uid, identity.gid);
    await chown(dataDir, identity.uid, identity.gid);
    await chown(passwordFile, identity.uid, identity.gid);
  }
  await runCommand(
    join(binDir, 'initdb'),
    [
      '-D',
      dataDir,
      '-U',
      'postgres',
      `--pwfile=${passwordFile}`,
      '--auth=scram-sha-256',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ],
    identity ?? {},
  );
  return dataDir;
}

/**
 * Starts a private PostgreSQL server: initdb into a new run folder, listening
 * on 127.0.0.1 only at a free port, password authentication for every
 * connection, durability switched off for speed. Waits until it accepts queries.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const binDir = ensurePostgresBinDir();
  const run = await createRunDirectory('postgres');
  const password = randomBytes(12).toString('hex');
  const port = await findFreePort();
  const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  const logFile = join(run.path, 'postgres.log');

  try {
    const dataDir = await initializeDataDirectory(run, binDir, password);
    const server = startProcess(
      'postgres',
      join(binDir, 'postgres'),
      [
        '-D',
        dataDir,
        '-p',
        String(port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
        '-c',
        'max_connections=300',
      ],
      logFile,
      serverIdentity() ?? {},
    );
    await run.trackPid(server.child.pid);
    await waitFor(
      async () => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        await client.end();
        return true;
      },
      { description: `PostgreSQL on 127.0.0.1:${port}`, timeoutMs: 30_000, process: server },
    );
    return {
      url,
      host: '127.0.0.1',
      port,
      user: 'postgres',
      password,
      binDir,
      logFile,
      process: server,
      async stop() {
        // SIGINT is PostgreSQL's fast shutdown: it rolls back open transactions and exits.
        server.child.kill('SIGINT');
        await server.stop(15_000);
        await run.remove();
      },
    };
  } catch (error) {
    await run.remove();
    throw new Error(`could not start the test PostgreSQL server; its log was ${logFile}`, { cause: error });
  }
}

/** A database created for one test file. */
export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  /** Drops the database, ending any sessions still connected to it. */
  drop(): Promise<void>;
}

/**
 * Creates a new, empty database on the server behind adminUrl and returns its
 * URL. Names are random so test files running in parallel never share rows.
 */
export async function createTestDatabase(adminUrl: string, prefix = 'test'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
