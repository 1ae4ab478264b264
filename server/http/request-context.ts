import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import type { RequestLocals } from './routing.ts';

/** Request ids taken from clients are limited to safe characters and length so they cannot forge log lines. */
const acceptableRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

/** Paths whose requests are logged at debug level because probes and scrapers call them every few seconds. */
const quietRoutes = new Set(['/health', '/ready', '/metrics']);

/**
 * Gives each request an id (from `X-Request-Id` when acceptable, else a new
 * UUID), echoes it in the response, attaches a child logger and counts the
 * request in flight. When the response is finished or aborted, it writes one
 * log line and one histogram sample labelled with the route template.
 */
export function requestContext(logger: Logger, metrics: Metrics): RequestHandler {
  return (request, response, next) => {
    const started = process.hrtime.bigint();
    const header = request.get('x-request-id');
    const requestId = header !== undefined && acceptableRequestId.test(header) ? header : randomUUID();
    const locals = response.locals as RequestLocals;
    locals.requestId = requestId;
    locals.log = logger.child({ requestId });
    response.setHeader('X-Request-Id', requestId);
    metrics.requestsInFlight.inc();

    let recorded = false;
    const record = (): void => {
      if (recorded) return;
      recorded = true;
      metrics.requestsInFlight.dec();
      const durationSeconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = locals.route ?? 'unmatched';
      const status = response.writableFinished ? response.statusCode : 499;
      metrics.requestDuration.observe({ method: request.method, route, status: String(status) }, durationSeconds);
      const level = quietRoutes.has(route) && status < 400 ? 'debug' : 'info';
      locals.log.log(level, 'Request completed', {
        method: request.method,
        route,
        status,
        durationMs: Math.round(durationSeconds * 1e6) / 1e3,
      });
    };
    response.once('finish', record);
    response.once('close', record);
    next();
  };
}
