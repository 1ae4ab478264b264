import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import winston from 'winston';
import { createLogger } from './logger.ts';

function capture(nodeEnv: 'production' | 'development') {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  const logger = createLogger({ nodeEnv, logLevel: 'debug' }, [new winston.transports.Stream({ stream })]);
  return { logger, lines };
}

describe('createLogger', () => {
  it('writes JSON in production and text in development', () => {
    const production = capture('production');
    production.logger.info('Server listening', { port: 1 });
    expect(JSON.parse(production.lines[0] as string)).toMatchObject({
      level: 'info',
      message: 'Server listening',
      port: 1,
    });
    const development = capture('development');
    development.logger.info('Server listening', { port: 1 });
    expect(development.lines[0]).toMatch(/info.* Server listening \{.*"port":1/);
  });

  it('redacts secrets in fields, nested objects, URLs and errors', () => {
    const { logger, lines } = capture('production');
    const error = Object.assign(new Error('connect to postgres://app:s3cret@db:5432/x failed'), {
      code: 'ECONNREFUSED',
    });
    logger.warn('Something failed', {
      password: 'hunter2',
      request: { headers: { authorization: 'Bearer abc.def.ghi' } },
      url: 'postgresql://app:s3cret@db/x',
      err: error,
    });
    const text = lines.join('');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('abc.def.ghi');
    expect(text).not.toContain('s3cret');
    expect(JSON.parse(text).err).toMatchObject({
      code: 'ECONNREFUSED',
      message: 'connect to postgres://app:***@db:5432/x failed',
    });
  });

  it('stamps each JSON line with an ISO time', () => {
    const { logger, lines } = capture('production');
    logger.info('Request completed', { status: 200 });
    const line = JSON.parse(lines[0] as string);
    expect(new Date(line.timestamp).toISOString()).toBe(line.timestamp);
    expect(line.service).toBe('planner-server');
  });

  it('still writes a line holding a circular value', () => {
    const { logger, lines } = capture('production');
    const deep: Record<string, unknown> = { a: { b: { c: { d: { e: {} } } } } };
    (
      (((deep.a as Record<string, unknown>).b as Record<string, unknown>).c as Record<string, unknown>).d as Record<
        string,
        unknown
      >
    ).e = deep;
    logger.info('Odd value', { deep });
    const line = JSON.parse(lines[0] as string);
    expect(line.message).toBe('Odd value');
    expect(line.deep.a.b.c.d.e.a.b.c.d.e).toBe('[Circular]');
  });
});
