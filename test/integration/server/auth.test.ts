import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import jwt from 'jsonwebtoken';
import { ApiClient, registerUser, startTestServer, type TestServer } from './support.ts';

let server: TestServer;
let anonymous: ApiClient;

beforeAll(async () => {
  server = await startTestServer('auth');
  anonymous = new ApiClient(server.baseUrl);
});

afterAll(async () => {
  await server.stop();
});

describe('registration and login', () => {
  it('registers, logs in and reads the current user', async () => {
    const register = await anonymous.request('POST', '/api/v1/auth/register', {
      email: 'Ada@Example.com',
      password: 'a long enough password',
      name: 'Ada',
    });
    expect(register.status).toBe(201);
    expect(register.body.user).toMatchObject({ email: 'Ada@Example.com', name: 'Ada' });
    expect(register.body.user.passwordHash).toBeUndefined();

    const login = await anonymous.request('POST', '/api/v1/auth/login', {
      email: 'ada@example.com',
      password: 'a long enough password',
    });
    expect(login.status).toBe(200);
    expect(typeof login.body.token).toBe('string');
    expect(new Date(login.body.expiresAt).getTime()).toBeGreaterThan(Date.now());

    const me = await new ApiClient(server.baseUrl, login.body.token).request('GET', '/api/v1/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(register.body.user.id);
  });

  it('rejects a second account with the same e-mail in any case', async () => {
    const first = await registerUser(server.baseUrl, 'dup');
    const again = await anonymous.request('POST', '/api/v1/auth/register', {
      email: first.email.toUpperCase(),
      password: 'another long password',
    });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
    expect(again.body.errors).toEqual([{ in: 'body', pointer: '/email', detail: 'already registered' }]);
  });

  it('rejects a wrong password and an unknown e-mail alike', async () => {
    const user = await registerUser(server.baseUrl, 'wrong');
    const wrong = await anonymous.request('POST', '/api/v1/auth/login', {
      email: user.email,
      password: 'not it at all',
    });
    const unknown = await anonymous.request('POST', '/api/v1/auth/login', {
      email: 'nobody@example.com',
      password: 'not it at all',
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.detail).toBe(unknown.body.detail);
  });

  it.each([
    ['a missing password', { email: 'x@example.com' }, '/password'],
    ['a short password', { email: 'x@example.com', password: 'short' }, '/password'],
    ['an invalid e-mail', { email: 'not-an-email', password: 'long enough password' }, '/email'],
    ['an unknown field', { email: 'x@example.com', password: 'long enough password', admin: true }, '/'],
  ])('rejects registration with %s', async (_case, body, pointer) => {
    const response = await anonymous.request('POST', '/api/v1/auth/register', body);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ type: '/problems/validation', status: 400, title: 'Invalid request' });
    expect(response.body.errors.map((error: { pointer: string }) => error.pointer)).toContain(pointer);
  });

  it('rejects a body that is not JSON', async () => {
    const response = await anonymous.request('POST', '/api/v1/auth/login', '{"email":', {
      'content-type': 'application/json',
    });
    expect(response.status).toBe(400);
    expect(response.body.detail).toBe('the request body is not valid JSON');
  });

  it('rejects a body over the size limit', async () => {
    const response = await anonymous.request('POST', '/api/v1/auth/login', {
      email: 'x@example.com',
      password: 'p'.repeat(200_000),
    });
    expect(response.status).toBe(413);
  });
});

describe('bearer tokens', () => {
  it.each([
    ['no header', undefined],
    ['a malformed header', 'Token abc'],
    [
      'a forged token',
      `Bearer ${jwt.sign({ sub: 'x' }, 'another secret that is long enough!!', { issuer: 'planner-server', audience: 'planner-api' })}`,
    ],
    ['garbage', 'Bearer not.a.jwt'],
  ])('rejects %s with 401', async (_case, header) => {
    const response = await anonymous.request(
      'GET',
      '/api/v1/tasks',
      undefined,
      header === undefined ? {} : { authorization: header },
    );
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });

  it('rejects an expired token', async () => {
    const secret = server.running.dependencies.config.tokenSecret;
    const past = Math.floor(Date.now() / 1000) - 7200;
    const token = jwt.sign({ sub: '00000000-0000-4000-8000-000000000000', iat: past, exp: past + 60 }, secret, {
      issuer: 'planner-server',
      audience: 'planner-api',
    });
    const response = await new ApiClient(server.baseUrl, token).request('GET', '/api/v1/projects');
    expect(response.status).toBe(401);
    expect(response.body.detail).toContain('expired');
  });
});

describe('logs', () => {
  it('never contain passwords or tokens', async () => {
    const user = await registerUser(server.baseUrl, 'secret');
    await user.client.request('GET', '/api/v1/auth/me');
    await anonymous.request('POST', '/api/v1/auth/login', { email: user.email, password: user.password });
    const logs = server.logLines.join('\n');
    expect(logs).toContain('Request completed');
    expect(logs).not.toContain(user.password);
    expect(logs).not.toContain(user.client.token as string);
    expect(logs).not.toContain(new URL(server.database.url).password);
  });

  it('write one line per request with the request id', async () => {
    const response = await anonymous.request('GET', '/health', undefined, { 'x-request-id': 'trace-42' });
    expect(response.headers.get('x-request-id')).toBe('trace-42');
    const line = server.logLines.map((text) => JSON.parse(text)).find((entry) => entry.requestId === 'trace-42');
    expect(line).toMatchObject({ message: 'Request completed', method: 'GET', route: '/health', status: 200 });
    expect(typeof line.durationMs).toBe('number');
  });
});

describe('security headers', () => {
  it('come with every response', async () => {
    const responses = [
      await anonymous.request('GET', '/health'),
      await anonymous.request('GET', '/api/v1/tasks'),
      await anonymous.request('GET', '/no-such-path'),
    ];
    for (const response of responses) {
      expect(response.headers.get('content-security-policy')).toBe("default-src 'none';frame-ancestors 'none'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('x-powered-by')).toBeNull();
      expect(response.headers.get('x-download-options')).toBeNull();
    }
  });
});

describe('rate limit', () => {
  it('limits login attempts per address', async () => {
    const limited = await startTestServer('authlimit', { env: { AUTH_RATE_LIMIT_PER_MINUTE: '3' } });
    try {
      const client = new ApiClient(limited.baseUrl);
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const response = await client.request('POST', '/api/v1/auth/login', { email: 'a@example.com', password: 'x' });
        statuses.push(response.status);
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await limited.stop();
    }
  });
});
