import { describe, expect, it } from '@jest/globals';
import { ConfigError, describeConnection, loadConfig } from './config.ts';

const secret = 's'.repeat(32);
const base = { DATABASE_URL: 'postgres://planner:hunter2@db.internal:5432/planner', TOKEN_SECRET: secret };

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('applies documented defaults', () => {
    const config = loadConfig(base);
    expect(config).toMatchObject({
      nodeEnv: 'production',
      port: 8080,
      logLevel: 'info',
      databasePoolMax: 10,
      shutdownTimeoutMs: 30_000,
      shutdownDrainDelayMs: 5000,
      corsOrigins: [],
      readDatabase: undefined,
      llm: undefined,
      passwordScryptLogN: 17,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('builds the connection from PG variables', () => {
    const config = loadConfig({
      PGHOST: 'db',
      PGPORT: '6543',
      PGDATABASE: 'app',
      PGUSER: 'u',
      PGPASSWORD: 'p',
      TOKEN_SECRET: secret,
    });
    expect(config.database).toEqual({ host: 'db', port: 6543, database: 'app', user: 'u', password: 'p' });
  });

  it('reads the optional replica, CORS origins and LLM settings', () => {
    const config = loadConfig({
      ...base,
      DATABASE_READ_URL: 'postgres://ro@replica:5432/planner',
      CORS_ORIGINS: 'https://a.example, https://b.example',
      LLM_BASE_URL: 'http://127.0.0.1:11434/v1/',
      LLM_MODEL: 'small',
    });
    expect(config.readDatabase).toEqual({ connectionString: 'postgres://ro@replica:5432/planner' });
    expect(config.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(config.llm).toEqual({
      baseUrl: 'http://127.0.0.1:11434/v1',
      apiKey: undefined,
      model: 'small',
      timeoutMs: 5000,
    });
  });

  it.each([
    ['no database', { TOKEN_SECRET: secret }, 'DATABASE_URL is required'],
    [
      'a non-postgres URL',
      { ...base, DATABASE_URL: 'mysql://x@y/z' },
      'DATABASE_URL must be a URL such as postgres://',
    ],
    ['a short secret', { ...base, TOKEN_SECRET: 'short' }, 'TOKEN_SECRET must be at least 32 characters'],
    ['a missing secret', { DATABASE_URL: base.DATABASE_URL }, 'TOKEN_SECRET is required'],
    ['a non-numeric port', { ...base, PORT: '80a' }, 'PORT must be a whole number from 0 to 65535'],
    ['a port out of range', { ...base, PORT: '70000' }, 'PORT'],
    ['an unknown log level', { ...base, LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    ['a zero pool', { ...base, DATABASE_POOL_MAX: '0' }, 'DATABASE_POOL_MAX'],
    [
      'a drain longer than the timeout',
      { ...base, SHUTDOWN_DRAIN_DELAY_MS: '40000' },
      'SHUTDOWN_DRAIN_DELAY_MS (40000) must be less than',
    ],
    ['an LLM without a model', { ...base, LLM_BASE_URL: 'http://127.0.0.1:1/v1' }, 'LLM_MODEL is required'],
    ['a bad body limit', { ...base, BODY_LIMIT: 'huge' }, 'BODY_LIMIT'],
  ])('rejects %s and names the variable', (_case, env, message) => {
    expect(problemsOf(env).join('\n')).toContain(message);
  });

  it('lists every problem at once', () => {
    expect(problemsOf({ PORT: 'x', LOG_LEVEL: 'loud' })).toHaveLength(2);
  });

  it('lets migrate run without a token secret', () => {
    expect(loadConfig({ DATABASE_URL: base.DATABASE_URL }, { requireTokenSecret: false }).tokenSecret).toBe('');
  });
});

describe('describeConnection', () => {
  it('omits the password', () => {
    expect(describeConnection({ connectionString: base.DATABASE_URL })).toBe('db.internal:5432/planner');
    expect(describeConnection({ host: 'h', port: 1, database: 'd', password: 'p' })).toBe('h:1/d');
  });
});
