import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * Returns one middleware that sets helmet's headers. With a fixed configuration helmet sets the
 * same headers on every response, so helmet runs once at start against a recording response and
 * the recorded headers are copied onto each response, saving a dozen middleware calls per request.
 */
export function securityHeaders(options?: Readonly<HelmetOptions>): RequestHandler {
  const headers: [string, string | number | readonly string[]][] = [];
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers.push([name, value]);
      return recorder;
    },
    removeHeader() {
      return undefined;
    },
  };
  let failure: unknown;
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    failure = error;
  });
  if (failure !== undefined)
    throw new Error(
      'invalid helmet options: helmet failed while recording its headers; check the options passed to securityHeaders',
      { cause: failure },
    );
  return (_request, response, next) => {
    for (const [name, value] of headers) response.setHeader(name, value);
    next();
  };
}
