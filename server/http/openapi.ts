import { z } from 'zod';
import type { AnyRoute } from './routing.ts';

type JsonSchema = Record<string, unknown>;

/** Converts an Express path template (`/tasks/:id`) to an OpenAPI one (`/tasks/{id}`). */
export function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/**
 * Converts a zod schema to JSON Schema 2020-12 (the dialect of OpenAPI 3.1).
 * Named schemas (`.meta({ id })`) move into `components` and are referenced.
 */
function toSchema(schema: z.ZodType, io: 'input' | 'output', components: Record<string, JsonSchema>): JsonSchema {
  const converted = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' });
  const relinked = JSON.parse(
    JSON.stringify(converted).replaceAll('"#/$defs/', '"#/components/schemas/'),
  ) as JsonSchema;
  const { $schema: _schema, $defs: definitions, ...rest } = relinked;
  for (const [id, definition] of Object.entries((definitions ?? {}) as Record<string, JsonSchema>)) {
    components[id] ??= definition;
  }
  return rest;
}

function parametersOf(
  schema: z.ZodType | undefined,
  location: 'path' | 'query',
  components: Record<string, JsonSchema>,
): JsonSchema[] {
  if (schema === undefined) return [];
  const converted = toSchema(schema, 'input', components);
  const properties = (converted.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((converted.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...propertySchema } = property;
    return {
      name,
      in: location,
      required: location === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: propertySchema,
    };
  });
}

function operationOf(route: AnyRoute, components: Record<string, JsonSchema>): JsonSchema {
  const responses: Record<string, JsonSchema> = {};
  for (const [status, response] of Object.entries(route.responses)) {
    responses[status] = {
      description: response.description,
      ...(response.schema === undefined
        ? {}
        : {
            content: {
              [response.contentType ?? 'application/json']: { schema: toSchema(response.schema, 'output', components) },
            },
          }),
    };
  }
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    ...(route.auth ? { security: [{ bearerAuth: [] }] } : { security: [] }),
    parameters: [...parametersOf(route.params, 'path', components), ...parametersOf(route.query, 'query', components)],
    ...(route.body === undefined
      ? {}
      : {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: toSchema(route.body, 'input', components) } },
          },
        }),
    responses,
  };
}

/** Builds the OpenAPI 3.1 document of the given routes; the routes' own schemas are the single source. */
export function buildOpenApiDocument(routes: readonly AnyRoute[], version: string): JsonSchema {
  const components: Record<string, JsonSchema> = {};
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const path = toOpenApiPath(route.path);
    paths[path] ??= {};
    paths[path][route.method] = operationOf(route, components);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'planner API',
      version,
      description:
        'Projects, tasks, calendar events and plain-language commands of the planner app. Errors are application/problem+json (RFC 9457).',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas: components,
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
}
