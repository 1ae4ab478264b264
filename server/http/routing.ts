import type { Express, Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import type { Logger } from '../logger.ts';
import { UnauthorizedError, ValidationError, type InvalidField } from './errors.ts';

/** The authenticated caller of a request. */
export interface Caller {
  readonly userId: string;
}

/** Input of a handler: the validated request parts plus the request's identity and logger. */
export interface RouteContext<Params, Query, Body> {
  readonly params: Params;
  readonly query: Query;
  readonly body: Body;
  readonly requestId: string;
  readonly log: Logger;
  /** Id of the authenticated caller; throws UnauthorizedError on a route without auth. */
  readonly userId: string;
}

/** Result of a handler; the route writes it as JSON unless `contentType` names another type. */
export interface RouteResult {
  readonly status: number;
  readonly body?: unknown;
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
}

/** One documented response of a route. */
export interface ResponseSpec {
  readonly description: string;
  readonly schema?: z.ZodType;
  /** Defaults to application/json. */
  readonly contentType?: string;
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * A route declared once: Express registration, input validation and the
 * OpenAPI document are all derived from this object.
 */
export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  readonly method: Method;
  /** Express path template, e.g. `/api/v1/tasks/:id`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly tag: string;
  readonly auth: boolean;
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  readonly responses: Readonly<Record<number, ResponseSpec>>;
  /** Extra middleware run before validation, such as a rate limiter. */
  readonly before?: readonly RequestHandler[];
  readonly handler: (context: RouteContext<z.output<P>, z.output<Q>, z.output<B>>) => Promise<RouteResult>;
}

/** A route of any input types, as stored in the route table. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = RouteSpec<any, any, any>;

/** Declares a route; the identity function exists to infer the handler's input types. */
export function defineRoute<
  P extends z.ZodType = z.ZodUndefined,
  Q extends z.ZodType = z.ZodUndefined,
  B extends z.ZodType = z.ZodUndefined,
>(spec: RouteSpec<P, Q, B>): RouteSpec<P, Q, B> {
  return spec;
}

function toInvalidFields(location: InvalidField['in'], error: z.ZodError): InvalidField[] {
  return error.issues.map((issue) => ({
    in: location,
    pointer: `/${issue.path.map((segment) => String(segment).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`,
    detail: issue.message,
  }));
}

function parsePart(schema: z.ZodType | undefined, value: unknown, location: InvalidField['in']): unknown {
  if (schema === undefined) return undefined;
  const result = schema.safeParse(value ?? (location === 'body' ? undefined : {}));
  if (result.success) return result.data;
  const fields = toInvalidFields(location, result.error);
  throw new ValidationError(`the request ${location} has ${fields.length} invalid field(s)`, fields);
}

/** Locals that the request context middleware and the authenticator put on each response. */
export interface RequestLocals {
  requestId: string;
  log: Logger;
  route?: string;
  caller?: Caller;
}

/** Query of a route that declares none: any parameter is rejected rather than silently ignored. */
const noQuery = z.strictObject({});

function contextFor(request: Request, response: Response, spec: AnyRoute): RouteContext<unknown, unknown, unknown> {
  const locals = response.locals as RequestLocals;
  const params = parsePart(spec.params, request.params, 'path');
  const query = parsePart(spec.query ?? noQuery, request.query, 'query');
  const body = parsePart(spec.body, request.body, 'body');
  return {
    params,
    query,
    body,
    requestId: locals.requestId,
    log: locals.log,
    get userId(): string {
      if (locals.caller === undefined) throw new UnauthorizedError();
      return locals.caller.userId;
    },
  };
}

function send(response: Response, result: RouteResult): void {
  for (const [name, value] of Object.entries(result.headers ?? {})) response.setHeader(name, value);
  response.status(result.status);
  if (result.body === undefined) {
    response.end();
  } else if (result.contentType !== undefined) {
    response.type(result.contentType).send(result.body);
  } else {
    // Written directly: Express's json() and send() parse and rebuild the Content-Type and check
    // freshness on every call, which a JSON API without ETags does not need.
    const text = JSON.stringify(result.body);
    response.setHeader('Content-Type', 'application/json; charset=utf-8');
    response.setHeader('Content-Length', Buffer.byteLength(text));
    response.end(text);
  }
}

/** Middleware that mountRoutes puts in front of route handlers. */
export interface RouteMiddleware {
  readonly authenticate: RequestHandler;
  /** Returns the middleware to run first on a route, such as a database availability gate. */
  readonly guards: (route: AnyRoute) => RequestHandler[];
}

/**
 * Registers routes on an Express router. Each gets, in order: a marker that
 * records its template for logs and metrics, its guards, the authenticator
 * when `auth` is set, its own `before` middleware, then validation and the handler.
 */
export function mountRoutes(router: Router | Express, routes: readonly AnyRoute[], middleware: RouteMiddleware): void {
  for (const spec of routes) {
    const markRoute: RequestHandler = (_request, response, next) => {
      (response.locals as RequestLocals).route = spec.path;
      next();
    };
    const handle: RequestHandler = async (request, response) => {
      const result = await spec.handler(contextFor(request, response, spec));
      send(response, result);
    };
    const chain = [
      markRoute,
      ...middleware.guards(spec),
      ...(spec.auth ? [middleware.authenticate] : []),
      ...(spec.before ?? []),
      handle,
    ];
    (router as Router)[spec.method](spec.path, chain);
  }
}
