import { z } from 'zod';

/** Connection settings of one PostgreSQL endpoint, passed to Knex as `connection`. */
export interface DatabaseConnection {
  readonly connectionString?: string;
  readonly host?: string;
  readonly port?: number;
  readonly database?: string;
  readonly user?: string;
  readonly password?: string;
}

/** Optional OpenAI-compatible endpoint for the LLM command interpreter. */
export interface LlmConfig {
  readonly baseUrl: string;
  readonly apiKey: string | undefined;
  readonly model: string;
  readonly timeoutMs: number;
}

/** The server's whole configuration, read once at start and frozen. */
export interface Config {
  readonly nodeEnv: 'production' | 'development' | 'test';
  readonly port: number;
  readonly host: string;
  readonly logLevel: 'error' | 'warn' | 'info' | 'http' | 'verbose' | 'debug' | 'silly';
  readonly database: DatabaseConnection;
  readonly readDatabase: DatabaseConnection | undefined;
  readonly databasePoolMax: number;
  readonly tokenSecret: string;
  readonly tokenTtlSeconds: number;
  /** log2 of scrypt's cost N for new password hashes. */
  readonly passwordScryptLogN: number;
  readonly shutdownTimeoutMs: number;
  readonly shutdownDrainDelayMs: number;
  readonly corsOrigins: readonly string[];
  readonly authRateLimitPerMinute: number;
  readonly trustProxy: number;
  readonly bodyLimit: string;
  readonly llm: LlmConfig | undefined;
}

/** A configuration value is missing or invalid; the message names each variable and its fix. */
export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const blankToUndefined = (value: unknown): unknown => (value === '' ? undefined : value);

function integer(min: number, max: number, fallback: number) {
  return z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^\d+$/, { message: `must be a whole number from ${min} to ${max}` })
      .transform(Number)
      .pipe(z.number().int().min(min).max(max))
      .default(fallback),
  );
}

function optionalText() {
  return z.preprocess(blankToUndefined, z.string().optional());
}

function postgresUrl() {
  return z.preprocess(
    blankToUndefined,
    z
      .url({ protocol: /^postgres(ql)?$/, error: 'must be a URL such as postgres://user:password@host:5432/database' })
      .optional(),
  );
}

const environmentSchema = z.object({
  NODE_ENV: z.preprocess(blankToUndefined, z.enum(['production', 'development', 'test']).default('production')),
  PORT: integer(0, 65535, 8080),
  HOST: z.preprocess(blankToUndefined, z.string().default('0.0.0.0')),
  LOG_LEVEL: z.preprocess(
    blankToUndefined,
    z.enum(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly']).default('info'),
  ),
  DATABASE_URL: postgresUrl(),
  DATABASE_READ_URL: postgresUrl(),
  PGHOST: optionalText(),
  PGPORT: z.preprocess(blankToUndefined, integer(1, 65535, 5432).optional()),
  PGDATABASE: optionalText(),
  PGUSER: optionalText(),
  PGPASSWORD: optionalText(),
  DATABASE_POOL_MAX: integer(1, 1000, 10),
  TOKEN_SECRET: z.preprocess(
    blankToUndefined,
    z
      .string()
      .min(32, { message: 'must be at least 32 characters long: generate one with `openssl rand -hex 32`' })
      .optional(),
  ),
  TOKEN_TTL_SECONDS: integer(60, 30 * 24 * 3600, 12 * 3600),
  PASSWORD_SCRYPT_LOG_N: integer(14, 20, 17),
  SHUTDOWN_TIMEOUT_MS: integer(1000, 600_000, 30_000),
  SHUTDOWN_DRAIN_DELAY_MS: integer(0, 300_000, 5000),
  CORS_ORIGINS: optionalText(),
  AUTH_RATE_LIMIT_PER_MINUTE: integer(1, 100_000, 20),
  TRUST_PROXY: integer(0, 10, 0),
  BODY_LIMIT: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^\d+(b|kb|mb)$/i, { message: 'must be a size such as 100kb or 1mb' })
      .default('100kb'),
  ),
  LLM_BASE_URL: z.preprocess(
    blankToUndefined,
    z.url({ protocol: /^https?$/, error: 'must be an http or https URL such as http://127.0.0.1:11434/v1' }).optional(),
  ),
  LLM_API_KEY: optionalText(),
  LLM_MODEL: optionalText(),
  LLM_TIMEOUT_MS: integer(100, 120_000, 5000),
});

type Environment = z.infer<typeof environmentSchema>;

function primaryDatabase(env: Environment): DatabaseConnection | string {
  if (env.DATABASE_URL !== undefined) return { connectionString: env.DATABASE_URL };
  if (env.PGHOST === undefined || env.PGDATABASE === undefined || env.PGUSER === undefined) {
    return 'DATABASE_URL is required: set it to postgres://user:password@host:5432/database, or set PGHOST, PGDATABASE, PGUSER (and PGPASSWORD, PGPORT) instead';
  }
  return {
    host: env.PGHOST,
    port: env.PGPORT ?? 5432,
    database: env.PGDATABASE,
    user: env.PGUSER,
    ...(env.PGPASSWORD === undefined ? {} : { password: env.PGPASSWORD }),
  };
}

function llmConfig(env: Environment): LlmConfig | string | undefined {
  if (env.LLM_BASE_URL === undefined) return undefined;
  if (env.LLM_MODEL === undefined) return 'LLM_MODEL is required when LLM_BASE_URL is set: name the model to call';
  return {
    baseUrl: env.LLM_BASE_URL.replace(/\/+$/, ''),
    apiKey: env.LLM_API_KEY,
    model: env.LLM_MODEL,
    timeoutMs: env.LLM_TIMEOUT_MS,
  };
}

function parseOrigins(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
}

/**
 * Reads and validates the server configuration from environment variables.
 * Throws a ConfigError listing every bad or missing variable with its fix;
 * nothing falls back to a default when a value is present but invalid.
 * `requireTokenSecret: false` (for `migrate`, which signs nothing) leaves
 * `tokenSecret` empty when TOKEN_SECRET is unset.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  options: { requireTokenSecret?: boolean } = {},
): Config {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
    throw new ConfigError(problems);
  }
  const values = parsed.data;
  const database = primaryDatabase(values);
  const llm = llmConfig(values);
  const problems = [database, llm].filter((item): item is string => typeof item === 'string');
  if (values.TOKEN_SECRET === undefined && options.requireTokenSecret !== false) {
    problems.push(
      'TOKEN_SECRET is required: set it to a random string of at least 32 characters, e.g. `openssl rand -hex 32`',
    );
  }
  if (values.SHUTDOWN_DRAIN_DELAY_MS >= values.SHUTDOWN_TIMEOUT_MS) {
    problems.push(
      `SHUTDOWN_DRAIN_DELAY_MS (${values.SHUTDOWN_DRAIN_DELAY_MS}) must be less than SHUTDOWN_TIMEOUT_MS (${values.SHUTDOWN_TIMEOUT_MS}): lower the delay or raise the timeout`,
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return Object.freeze({
    nodeEnv: values.NODE_ENV,
    port: values.PORT,
    host: values.HOST,
    logLevel: values.LOG_LEVEL,
    database: Object.freeze(database as DatabaseConnection),
    readDatabase:
      values.DATABASE_READ_URL === undefined
        ? undefined
        : Object.freeze({ connectionString: values.DATABASE_READ_URL }),
    databasePoolMax: values.DATABASE_POOL_MAX,
    tokenSecret: values.TOKEN_SECRET ?? '',
    tokenTtlSeconds: values.TOKEN_TTL_SECONDS,
    passwordScryptLogN: values.PASSWORD_SCRYPT_LOG_N,
    shutdownTimeoutMs: values.SHUTDOWN_TIMEOUT_MS,
    shutdownDrainDelayMs: values.SHUTDOWN_DRAIN_DELAY_MS,
    corsOrigins: Object.freeze(parseOrigins(values.CORS_ORIGINS)),
    authRateLimitPerMinute: values.AUTH_RATE_LIMIT_PER_MINUTE,
    trustProxy: values.TRUST_PROXY,
    bodyLimit: values.BODY_LIMIT,
    llm: llm === undefined ? undefined : Object.freeze(llm as LlmConfig),
  });
}

/** Describes where a connection points without its password, for logs and messages. */
export function describeConnection(connection: DatabaseConnection): string {
  if (connection.connectionString !== undefined) {
    try {
      const url = new URL(connection.connectionString);
      return `${url.hostname}:${url.port || '5432'}${url.pathname}`;
    } catch {
      return 'an unparseable connection string';
    }
  }
  return `${connection.host ?? 'localhost'}:${connection.port ?? 5432}/${connection.database ?? ''}`;
}
