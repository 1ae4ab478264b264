import { z } from 'zod';
import { problemContentType } from './problem.ts';
import type { ResponseSpec } from './routing.ts';

/** Schema of a problem document (RFC 9457) as this API renders it. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z
      .array(
        z.object({
          in: z.enum(['body', 'query', 'path', 'header']),
          pointer: z.string(),
          detail: z.string(),
        }),
      )
      .optional(),
  })
  .meta({ id: 'Problem' });

const descriptions: Record<number, string> = {
  400: 'The request failed validation; `errors` lists each invalid field',
  401: 'Missing, invalid or expired bearer token',
  404: 'No such resource for this user',
  409: 'The request conflicts with the current state',
  413: 'The request body is too large',
  422: 'The request is valid but cannot be carried out',
  429: 'Too many requests; retry after the RateLimit-Reset delay',
  503: 'The database is unreachable or its schema is behind',
};

/** Documented problem responses for the given status codes. */
export function problemResponses(...statuses: number[]): Record<number, ResponseSpec> {
  const responses: Record<number, ResponseSpec> = {};
  for (const status of statuses) {
    responses[status] = {
      description: descriptions[status] ?? 'Error',
      schema: problemSchema,
      contentType: problemContentType,
    };
  }
  return responses;
}
