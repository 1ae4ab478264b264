import cors from 'cors';
import express, { type Express, type RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import type { DatabaseMonitor } from './db/monitor.ts';
import { createAuthService } from './features/auth/service.ts';
import { authRoutes } from './features/auth/routes.ts';
import { bearerAuthenticator, createTokenService, type TokenService } from './features/auth/tokens.ts';
import { commandRoutes } from './features/commands/routes.ts';
import { createCommandService } from './features/commands/service.ts';
import { createLlmInterpreter, type LlmInterpreter } from './features/commands/llm.ts';
import { eventRoutes } from './features/events/routes.ts';
import { createEventService } from './features/events/service.ts';
import { projectRoutes } from './features/projects/routes.ts';
import { createProjectService } from './features/projects/service.ts';
import { systemRoutes, type ShutdownState } from './features/system/routes.ts';
import { taskRoutes } from './features/tasks/routes.ts';
import { createTaskService } from './features/tasks/service.ts';
import { HttpError, ServiceUnavailableError } from './http/errors.ts';
import { buildOpenApiDocument } from './http/openapi.ts';
import { notFoundHandler, problemHandler } from './http/problem.ts';
import { requestContext } from './http/request-context.ts';
import { securityHeaders } from './http/security-headers.ts';
import { mountRoutes, type AnyRoute } from './http/routing.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';
import type { ServerInfo } from './version.ts';

/** Everything the HTTP app needs, built by the composition root (server.ts) or a test. */
export interface AppDependencies {
  readonly config: Config;
  readonly logger: Logger;
  readonly database: Database;
  readonly monitor: DatabaseMonitor;
  readonly metrics: Metrics;
  readonly shutdown: ShutdownState;
  readonly info: ServerInfo;
  /** Replaces the LLM interpreter built from the configuration. */
  readonly llm?: LlmInterpreter;
}

/** The Express app and the table of its routes, from which the OpenAPI document is built. */
export interface PlannerApp {
  readonly app: Express;
  readonly routes: readonly AnyRoute[];
}

function authLimiter(limit: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_request, _response, next) => {
      next(
        new HttpError(
          429,
          'Too many requests',
          'rate-limited',
          `at most ${limit} attempts a minute from one address; wait and retry`,
        ),
      );
    },
  });
}

/**
 * Rejects API requests with 503 while the last database check failed or found
 * the schema behind, naming the pending migrations, instead of letting each
 * request wait for a connection that will not come.
 */
function requireDatabase(monitor: DatabaseMonitor): RequestHandler {
  return (_request, _response, next) => {
    const report = monitor.report;
    if (report.reachable && report.schema !== undefined && report.schema.pending.length > 0) {
      next(
        new ServiceUnavailableError(
          `the database schema is behind: migration(s) ${report.schema.pending.join(', ')} are not applied; run planner-server migrate`,
          30,
        ),
      );
      return;
    }
    if (!report.reachable) {
      next(
        new ServiceUnavailableError(
          `the database is unreachable (${report.errorCode ?? 'not checked yet'}); retry shortly`,
        ),
      );
      return;
    }
    next();
  };
}

/** Tells keep-alive clients to reconnect elsewhere once shutdown has begun. */
function closeConnectionsWhenShuttingDown(shutdown: ShutdownState): RequestHandler {
  return (_request, response, next) => {
    if (shutdown.shuttingDown) response.setHeader('Connection', 'close');
    next();
  };
}

function buildRoutes(dependencies: AppDependencies, tokens: TokenService, openApi: () => unknown): AnyRoute[] {
  const { config, database, monitor, metrics, shutdown, info } = dependencies;
  const auth = createAuthService(database.writer, tokens, { logN: config.passwordScryptLogN, r: 8, p: 1 });
  const projects = createProjectService(database.writer, database.reader);
  const tasks = createTaskService(database.writer, database.reader);
  const events = createEventService(database.writer, database.reader, tasks);
  const llm = dependencies.llm ?? (config.llm === undefined ? undefined : createLlmInterpreter(config.llm));
  const commands = createCommandService({ writer: database.writer, tasks, events, llm, metrics });
  return [
    ...systemRoutes(info, monitor, metrics, shutdown, openApi),
    ...authRoutes(auth, authLimiter(config.authRateLimitPerMinute)),
    ...projectRoutes(projects),
    ...taskRoutes(tasks),
    ...eventRoutes(events),
    ...commandRoutes(commands),
  ];
}

/**
 * Helmet settings for an API that serves JSON and text only, after the OWASP REST security cheat
 * sheet: a policy that lets a response load nothing and be framed nowhere, HSTS, nosniff and
 * DENY. Headers that only matter to HTML pages in old browsers (X-Download-Options,
 * X-DNS-Prefetch-Control, X-Permitted-Cross-Domain-Policies, Origin-Agent-Cluster) are left out.
 */
const apiSecurityHeaders = {
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  frameguard: { action: 'deny' },
  xDownloadOptions: false,
  xDnsPrefetchControl: false,
  xPermittedCrossDomainPolicies: false,
  originAgentCluster: false,
} as const;

/** Builds the Express app: middleware, every feature's routes, and the problem+json error handler. */
export function createApp(dependencies: AppDependencies): PlannerApp {
  const { config, logger, metrics, monitor, shutdown, info } = dependencies;
  const app = express();
  app.disable('x-powered-by');
  // Pages change with every write and clients page with cursors, so hashing each body for an ETag buys nothing.
  app.set('etag', false);
  app.set('trust proxy', config.trustProxy);
  app.set('query parser', 'simple');

  app.use(requestContext(logger, metrics));
  app.use(closeConnectionsWhenShuttingDown(shutdown));
  app.use(securityHeaders(apiSecurityHeaders));
  if (config.corsOrigins.length > 0) {
    app.use(cors({ origin: [...config.corsOrigins], exposedHeaders: ['X-Request-Id', 'Location', 'Link'] }));
  }
  app.use(express.json({ limit: config.bodyLimit }));

  // The document lists the routes, and one route serves it, so it is filled in once the table exists.
  const openApi: { document?: unknown } = {};
  const tokens = createTokenService(config.tokenSecret, config.tokenTtlSeconds);
  const routes = buildRoutes(dependencies, tokens, () => openApi.document);
  openApi.document = buildOpenApiDocument(routes, info.version);

  const databaseGate = requireDatabase(monitor);
  const isDatabaseRoute = (route: AnyRoute): boolean =>
    route.path.startsWith('/api/v1/') && route.path !== '/api/v1/openapi.json';
  mountRoutes(app, routes, {
    authenticate: bearerAuthenticator(tokens),
    guards: (route) => (isDatabaseRoute(route) ? [databaseGate] : []),
  });

  app.use(notFoundHandler);
  app.use(problemHandler(logger));
  return { app, routes };
}
