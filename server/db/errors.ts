/**
 * Classification of errors raised by pg and Knex. SQLSTATE codes are those of
 * PostgreSQL's "Appendix A. PostgreSQL Error Codes"; Node network codes are
 * those of libuv.
 */

const connectionCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  '57P01', // admin_shutdown: the server was stopped or the session terminated
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: the server is starting up
  '08000', // connection_exception
  '08003', // connection_does_not_exist
  '08006', // connection_failure
  '53300', // too_many_connections
]);

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Returns the SQLSTATE or network error code of an error or of its causes. */
export function databaseErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth += 1) {
    const code = codeOf(current);
    if (code !== undefined) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Tells whether the error means the database cannot be reached now, as opposed to a bad query. */
export function isConnectionError(error: unknown): boolean {
  const code = databaseErrorCode(error);
  if (code !== undefined && connectionCodes.has(code)) return true;
  if (!(error instanceof Error)) return false;
  // Knex raises a plain Error with this name when no pooled connection frees up in time.
  if (error.name === 'KnexTimeoutError') return true;
  return /Connection terminated|Client has encountered a connection error|connect ECONNREFUSED/.test(error.message);
}

/** Tells whether the error is a unique_violation (23505). */
export function isUniqueViolation(error: unknown): boolean {
  return databaseErrorCode(error) === '23505';
}

/** Tells whether the error is a foreign_key_violation (23503). */
export function isForeignKeyViolation(error: unknown): boolean {
  return databaseErrorCode(error) === '23503';
}
