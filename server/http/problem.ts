import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { isConnectionError } from '../db/errors.ts';
import type { Logger } from '../logger.ts';
import { HttpError, NotFoundError, ServiceUnavailableError, ValidationError } from './errors.ts';
import type { RequestLocals } from './routing.ts';

/** Media type of every error response (RFC 9457). */
export const problemContentType = 'application/problem+json';

/** Body of an error response (RFC 9457 problem details, plus the invalid fields). */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  requestId?: string;
  errors?: readonly { in: string; pointer: string; detail: string }[];
}

/** Errors raised by Express's body parser carry a `type` such as `entity.too.large`. */
function fromBodyParser(error: unknown): HttpError | undefined {
  const type = (error as { type?: unknown } | null)?.type;
  if (type === 'entity.too.large') {
    return new HttpError(413, 'Payload too large', 'payload-too-large', 'the request body exceeds the size limit');
  }
  if (type === 'entity.parse.failed') {
    return new ValidationError('the request body is not valid JSON', [
      { in: 'body', pointer: '/', detail: 'invalid JSON' },
    ]);
  }
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return new HttpError(415, 'Unsupported media type', 'unsupported-media-type', 'send the body as UTF-8 JSON');
  }
  return undefined;
}

/** Maps any thrown value to the HttpError to render; unknown errors become undefined (a 500). */
function toHttpError(error: unknown): HttpError | undefined {
  if (error instanceof HttpError) return error;
  const parserError = fromBodyParser(error);
  if (parserError !== undefined) return parserError;
  if (isConnectionError(error)) return new ServiceUnavailableError('the database is unreachable; retry shortly');
  return undefined;
}

/** Writes a problem document with its status and headers. */
export function sendProblem(response: Response, problem: ProblemDocument, headers: Record<string, string> = {}): void {
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  response.status(problem.status).type(problemContentType).send(JSON.stringify(problem));
}

/**
 * Renders every error as problem+json; it is the app's only error handler.
 * Client errors are logged at debug level, 503s at warn, and anything
 * unexpected at error with the cause. Driver and SQL text never reaches the response.
 */
export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, request, response, next) => {
    if (response.headersSent) {
      next(error);
      return;
    }
    const locals = response.locals as Partial<RequestLocals>;
    const log = locals.log ?? logger;
    const httpError = toHttpError(error);
    const problem: ProblemDocument =
      httpError === undefined
        ? {
            type: '/problems/internal',
            title: 'Internal server error',
            status: 500,
            detail: 'the server failed to handle the request; report the request id to the operators',
          }
        : {
            type: `/problems/${httpError.type}`,
            title: httpError.title,
            status: httpError.status,
            detail: httpError.message,
            ...(httpError.errors === undefined || httpError.errors.length === 0 ? {} : { errors: httpError.errors }),
          };
    problem.instance = request.originalUrl.split('?')[0];
    if (locals.requestId !== undefined) problem.requestId = locals.requestId;

    if (httpError === undefined) log.error('Request failed', { err: error, route: locals.route });
    else if (httpError.status >= 500) log.warn('Request could not be served', { err: error, route: locals.route });
    else log.debug('Request rejected', { status: httpError.status, detail: httpError.message });
    sendProblem(response, problem, httpError?.headers);
  };
}

/** Renders a 404 problem for paths no route matched. */
export const notFoundHandler: RequestHandler = (request, _response, next) => {
  next(new NotFoundError('path', request.path));
};
