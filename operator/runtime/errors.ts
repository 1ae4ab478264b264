/** Body of a Kubernetes Status response, as far as the operator reads it. */
export interface KubeStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
}

/** A request to the Kubernetes API server that returned an error status. */
export class ApiError extends Error {
  readonly statusCode: number;
  /** The Status reason, such as NotFound, AlreadyExists, Conflict, Expired or Invalid. */
  readonly reason: string;

  constructor(method: string, path: string, statusCode: number, status: KubeStatus | undefined) {
    const detail = status?.message ?? `HTTP ${statusCode}`;
    super(`${method} ${path} failed with ${statusCode}: ${detail}`);
    this.name = 'ApiError';
    this.statusCode = statusCode;
    this.reason = status?.reason ?? '';
  }
}

/** Thrown for a write attempted while this replica does not hold the leader lease. */
export class NotLeaderError extends Error {
  constructor(method: string, path: string) {
    super(`${method} ${path} was not sent because this replica is not the leader`);
    this.name = 'NotLeaderError';
  }
}

function statusOf(error: unknown): number | undefined {
  return error instanceof ApiError ? error.statusCode : undefined;
}

/** Whether error is a 404 Not Found from the API server. */
export function isNotFound(error: unknown): boolean {
  return statusOf(error) === 404;
}

/** Whether error is a 409 Conflict (a stale resourceVersion or an existing name). */
export function isConflict(error: unknown): boolean {
  return statusOf(error) === 409;
}

/** Whether error is a 409 AlreadyExists from a create. */
export function isAlreadyExists(error: unknown): boolean {
  return error instanceof ApiError && error.statusCode === 409 && error.reason === 'AlreadyExists';
}

/** Whether error is a 410 Gone: the requested resourceVersion is too old to watch from. */
export function isGone(error: unknown): boolean {
  return statusOf(error) === 410;
}

/**
 * A short description of an error for logs and status messages: its message and causes, never
 * response headers or bodies.
 */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  while (current !== undefined && parts.length < 5) {
    parts.push(current instanceof Error ? current.message : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(': ');
}
