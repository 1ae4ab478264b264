/** One invalid field of a request, as listed in a problem document's `errors` member. */
export interface InvalidField {
  /** Part of the request the field belongs to. */
  readonly in: 'body' | 'query' | 'path' | 'header';
  /** JSON Pointer (RFC 6901) to the field inside that part, e.g. `/dueAt`. */
  readonly pointer: string;
  readonly detail: string;
}

/**
 * Base of the errors the HTTP layer renders as `application/problem+json`
 * (RFC 9457). Services throw these; the error handler turns them into responses.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly title: string;
  /** Problem type slug, rendered as the `type` member `/problems/<slug>`. */
  readonly type: string;
  readonly errors: readonly InvalidField[] | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    title: string,
    type: string,
    detail: string,
    options: { errors?: readonly InvalidField[]; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.status = status;
    this.title = title;
    this.type = type;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
  }
}

/** The request is malformed or fails its schema (400). */
export class ValidationError extends HttpError {
  constructor(detail: string, errors: readonly InvalidField[] = []) {
    super(400, 'Invalid request', 'validation', detail, { errors });
  }
}

/** No valid credentials came with the request (401). */
export class UnauthorizedError extends HttpError {
  constructor(detail = 'send a valid bearer token in the Authorization header') {
    super(401, 'Unauthorized', 'unauthorized', detail, { headers: { 'WWW-Authenticate': 'Bearer' } });
  }
}

/**
 * The resource does not exist for the caller (404). Rows of other users are
 * reported the same way, so ids of other users' rows cannot be probed.
 */
export class NotFoundError extends HttpError {
  constructor(resource: string, id: string) {
    super(404, 'Not found', 'not-found', `${resource} ${id} was not found`);
  }
}

/** The request conflicts with the current state, e.g. a duplicate or a rule on related rows (409). */
export class ConflictError extends HttpError {
  constructor(detail: string, errors?: readonly InvalidField[]) {
    super(409, 'Conflict', 'conflict', detail, errors === undefined ? {} : { errors });
  }
}

/** The request is well formed but cannot be carried out as asked (422). */
export class UnprocessableError extends HttpError {
  constructor(detail: string, errors?: readonly InvalidField[]) {
    super(422, 'Unprocessable request', 'unprocessable', detail, errors === undefined ? {} : { errors });
  }
}

/** The server cannot serve now, e.g. the database is unreachable or the schema is behind (503). */
export class ServiceUnavailableError extends HttpError {
  constructor(detail: string, retryAfterSeconds = 5) {
    super(503, 'Service unavailable', 'unavailable', detail, {
      headers: { 'Retry-After': String(retryAfterSeconds) },
    });
  }
}
