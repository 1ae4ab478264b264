import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import winston from 'winston';
import { loadConfig, type Config } from '../../../server/config.ts';
import { createDatabase } from '../../../server/db/database.ts';
import { migrateToLatest } from '../../../server/db/migrations.ts';
import type { LlmInterpreter } from '../../../server/features/commands/llm.ts';
import { createLogger } from '../../../server/logger.ts';
import { startServer, type RunningServer } from '../../../server/server.ts';
import { createFileDatabase } from '../../harness/context.ts';
import { waitFor } from '../../harness/processes.ts';
import type { TestDatabase } from '../../harness/postgres.ts';

/** Test timing of the database monitor: fast checks so readiness follows the database within a second. */
export const fastMonitorTiming = {
  healthyIntervalMs: 200,
  initialBackoffMs: 50,
  maxBackoffMs: 400,
  logIntervalMs: 60_000,
  checkTimeoutMs: 1000,
};

/** A server under test with its own database and a copy of every log line it wrote. */
export interface TestServer {
  readonly baseUrl: string;
  readonly database: TestDatabase;
  readonly running: RunningServer;
  readonly logLines: string[];
  stop(): Promise<void>;
}

/** Environment of a test server; scrypt runs at its lowest accepted cost to keep registration fast. */
export function testEnvironment(databaseUrl: string, overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'debug',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: databaseUrl,
    TOKEN_SECRET: randomBytes(32).toString('hex'),
    PASSWORD_SCRYPT_LOG_N: '14',
    AUTH_RATE_LIMIT_PER_MINUTE: '10000',
    SHUTDOWN_DRAIN_DELAY_MS: '0',
    SHUTDOWN_TIMEOUT_MS: '5000',
    ...overrides,
  };
}

/** Creates a database, migrates it and returns it. */
export async function createMigratedDatabase(prefix: string): Promise<TestDatabase> {
  const database = await createFileDatabase(prefix);
  const knex = createDatabase({
    database: { connectionString: database.url },
    readDatabase: undefined,
    databasePoolMax: 2,
  });
  try {
    await migrateToLatest(knex.writer);
  } finally {
    await knex.destroy();
  }
  return database;
}

/**
 * Starts the server in this process on a free port against a fresh, migrated
 * database and waits until it reports ready.
 */
export async function startTestServer(
  prefix: string,
  options: { env?: Record<string, string>; llm?: LlmInterpreter; migrate?: boolean } = {},
): Promise<TestServer> {
  const database = options.migrate === false ? await createFileDatabase(prefix) : await createMigratedDatabase(prefix);
  const config: Config = loadConfig(testEnvironment(database.url, options.env));
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logLines.push(chunk.toString());
      callback();
    },
  });
  const logger = createLogger(config, [new winston.transports.Stream({ stream: sink })]);
  const running = await startServer(config, logger, {
    monitorTiming: fastMonitorTiming,
    ...(options.llm === undefined ? {} : { llm: options.llm }),
  });
  const baseUrl = `http://127.0.0.1:${running.port}`;
  if (options.migrate !== false) {
    await waitFor(async () => ((await fetch(`${baseUrl}/ready`)).status === 200 ? true : undefined), {
      description: 'the test server to become ready',
      timeoutMs: 10_000,
    });
  }
  return {
    baseUrl,
    database,
    running,
    logLines,
    async stop() {
      await running.shutdown('test finished');
      await database.drop();
    },
  };
}

/** A response with its parsed JSON body. */
export interface ApiResponse<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

/** A small JSON client bound to a base URL and, optionally, a bearer token. */
export class ApiClient {
  readonly baseUrl: string;
  readonly token: string | undefined;

  constructor(baseUrl: string, token?: string) {
    this.baseUrl = baseUrl;
    this.token = token;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.token === undefined ? {} : { authorization: `Bearer ${this.token}` }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = text;
    }
    return { status: response.status, headers: response.headers, body: parsed as T };
  }
}

let userCounter = 0;

/** Registers a new user and returns a client carrying their token, with the user's id and credentials. */
export async function registerUser(
  baseUrl: string,
  prefix = 'user',
): Promise<{ client: ApiClient; userId: string; email: string; password: string }> {
  userCounter += 1;
  const email = `${prefix}-${userCounter}-${randomBytes(3).toString('hex')}@example.com`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const response = await new ApiClient(baseUrl).request('POST', '/api/v1/auth/register', {
    email,
    password,
    name: prefix,
  });
  if (response.status !== 201) {
    throw new Error(`registering ${email} returned ${response.status}: ${JSON.stringify(response.body)}`);
  }
  const body = response.body as { token: string; user: { id: string } };
  return { client: new ApiClient(baseUrl, body.token), userId: body.user.id, email, password };
}
