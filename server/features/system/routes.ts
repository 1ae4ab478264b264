import { z } from 'zod';
import type { SchemaStatus } from '../../db/migrations.ts';
import type { DatabaseMonitor } from '../../db/monitor.ts';
import type { Metrics } from '../../metrics.ts';
import { defineRoute, type AnyRoute } from '../../http/routing.ts';
import type { ServerInfo } from '../../version.ts';

/** Whether the process has started shutting down; readiness turns false at once when it has. */
export interface ShutdownState {
  readonly shuttingDown: boolean;
}

const readinessSchema = z.object({
  status: z.enum(['ready', 'not ready']),
  checks: z.object({
    shutdown: z.enum(['running', 'shutting down']),
    database: z.enum(['reachable', 'unreachable']),
    schema: z.enum(['current', 'behind', 'unknown']),
  }),
  pendingMigrations: z.array(z.string()),
  databaseError: z.string().optional(),
});

function schemaState(schema: SchemaStatus | undefined): 'unknown' | 'behind' | 'current' {
  if (schema === undefined) return 'unknown';
  return schema.pending.length > 0 ? 'behind' : 'current';
}

/** Liveness, readiness, metrics, the name and version, and the OpenAPI document. */
export function systemRoutes(
  info: ServerInfo,
  monitor: DatabaseMonitor,
  metrics: Metrics,
  shutdown: ShutdownState,
  openApiDocument: () => unknown,
): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/',
      operationId: 'getServerInfo',
      summary: 'Name and version of the server',
      tag: 'system',
      auth: false,
      responses: {
        200: { description: 'Name and version', schema: z.object({ name: z.string(), version: z.string() }) },
      },
      handler: async () => ({ status: 200, body: { name: info.name, version: info.version } }),
    }),
    defineRoute({
      method: 'get',
      path: '/health',
      operationId: 'getHealth',
      summary: 'Liveness: the process serves HTTP; never touches the database',
      tag: 'system',
      auth: false,
      responses: { 200: { description: 'Alive', schema: z.object({ status: z.literal('ok') }) } },
      handler: async () => ({ status: 200, body: { status: 'ok' } }),
    }),
    defineRoute({
      method: 'get',
      path: '/ready',
      operationId: 'getReadiness',
      summary: 'Readiness: not shutting down, database reachable within a short timeout, no migration pending',
      tag: 'system',
      auth: false,
      responses: {
        200: { description: 'Ready', schema: readinessSchema },
        503: { description: 'Not ready; the checks say why', schema: readinessSchema },
      },
      handler: async () => {
        const report = shutdown.shuttingDown ? monitor.report : await monitor.check();
        const schema = schemaState(report.schema);
        const ready = !shutdown.shuttingDown && report.reachable && schema === 'current';
        metrics.databaseUp.set(report.reachable && schema === 'current' ? 1 : 0);
        return {
          status: ready ? 200 : 503,
          body: {
            status: ready ? 'ready' : 'not ready',
            checks: {
              shutdown: shutdown.shuttingDown ? 'shutting down' : 'running',
              database: report.reachable ? 'reachable' : 'unreachable',
              schema,
            },
            pendingMigrations: report.schema?.pending ?? [],
            ...(report.errorCode === undefined ? {} : { databaseError: report.errorCode }),
          },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/metrics',
      operationId: 'getMetrics',
      summary: 'Prometheus metrics in the text exposition format',
      tag: 'system',
      auth: false,
      responses: { 200: { description: 'Metrics', schema: z.string(), contentType: 'text/plain' } },
      handler: async () => {
        metrics.databaseUp.set(monitor.isReady() ? 1 : 0);
        return { status: 200, body: await metrics.registry.metrics(), contentType: metrics.registry.contentType };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/openapi.json',
      operationId: 'getOpenApiDocument',
      summary: 'This OpenAPI 3.1 document',
      tag: 'system',
      auth: false,
      responses: { 200: { description: 'The document', schema: z.looseObject({ openapi: z.string() }) } },
      handler: async () => ({ status: 200, body: openApiDocument() }),
    }),
  ];
}
