/**
 * A container cannot start because its configuration refers to something missing, such as a
 * Secret key. The kubelet reports this as the waiting reason CreateContainerConfigError and
 * retries; the agent does the same.
 */
export class ContainerConfigError extends Error {
  override readonly name = 'ContainerConfigError';
}

/** Reads an object, returning undefined when it does not exist. */
export async function readOptional<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Returns the HTTP status code of a client-node ApiException, or undefined for other errors. */
export function statusCodeOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** Reports whether a request failed with 404 Not Found. */
export function isNotFound(error: unknown): boolean {
  return statusCodeOf(error) === 404;
}

/** Reports whether a request failed with 409 Conflict (or AlreadyExists, which shares the code). */
export function isConflict(error: unknown): boolean {
  return statusCodeOf(error) === 409;
}

/**
 * Returns a one-line description of an error. For a client-node ApiException it keeps the code and
 * the Status message and drops the response headers, which the exception's own message includes.
 */
export function describeError(error: unknown): string {
  const code = statusCodeOf(error);
  if (code !== undefined && error instanceof Error && 'body' in error) {
    return `HTTP ${code}: ${statusMessageOf((error as { body: unknown }).body) ?? 'no message'}`;
  }
  if (error instanceof Error) return error.message;
  const message = statusMessageOf(error);
  if (message !== undefined) return code === undefined ? message : `HTTP ${code}: ${message}`;
  return String(error);
}

function statusMessageOf(body: unknown): string | undefined {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return body.slice(0, 200);
    }
  }
  const message = (parsed as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : undefined;
}
