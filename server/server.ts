import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createApp, type AppDependencies } from './app.ts';
import { describeConnection, type Config } from './config.ts';
import { createDatabase } from './db/database.ts';
import { DatabaseMonitor, type MonitorTiming } from './db/monitor.ts';
import type { LlmInterpreter } from './features/commands/llm.ts';
import type { AnyRoute } from './http/routing.ts';
import type { Logger } from './logger.ts';
import { createMetrics } from './metrics.ts';
import { readServerInfo } from './version.ts';

/** A started server. */
export interface RunningServer {
  readonly server: Server;
  /** Port the server listens on (useful when PORT was 0). */
  readonly port: number;
  readonly dependencies: AppDependencies;
  /** The route table the app and its OpenAPI document were built from. */
  readonly routes: readonly AnyRoute[];
  /**
   * Shuts down gracefully: readiness turns false at once, connections are
   * still accepted during the drain delay, then the listener closes, in-flight
   * requests finish, and the pools close. Resolves true when everything closed
   * before SHUTDOWN_TIMEOUT_MS, false when the deadline forced connections shut.
   */
  shutdown(reason: string): Promise<boolean>;
}

/** Options for tests: a different monitor timing or LLM interpreter. */
export interface StartOptions {
  readonly monitorTiming?: MonitorTiming;
  readonly llm?: LlmInterpreter;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Builds the pools, the database monitor, the metrics and the app, then
 * listens: this is the server's composition root. Listening does not wait for the database: the
 * server starts not ready and becomes ready once the monitor reaches the
 * database and finds the schema current.
 */
export async function startServer(config: Config, logger: Logger, options: StartOptions = {}): Promise<RunningServer> {
  const info = readServerInfo();
  const database = createDatabase(config);
  const target = describeConnection(config.database);
  const monitor = new DatabaseMonitor(database.writer, logger, target, options.monitorTiming);
  const metrics = createMetrics(() => database.poolUsage());
  const state = { shuttingDown: false };
  const dependencies: AppDependencies = {
    config,
    logger,
    database,
    monitor,
    metrics,
    shutdown: state,
    info,
    ...(options.llm === undefined ? {} : { llm: options.llm }),
  };
  const { app, routes } = createApp(dependencies);
  const server = createServer(app);
  monitor.start();
  const port = await listen(server, config.port, config.host);
  logger.info('Server listening', {
    version: info.version,
    host: config.host,
    port,
    database: target,
    readReplica: config.readDatabase === undefined ? null : describeConnection(config.readDatabase),
    llmInterpreter: config.llm === undefined ? 'off' : config.llm.model,
  });

  let shutdownPromise: Promise<boolean> | undefined;
  const shutdown = (reason: string): Promise<boolean> => {
    shutdownPromise ??= (async () => {
      state.shuttingDown = true;
      logger.info('Shutdown started; readiness is now false', {
        reason,
        drainDelayMs: config.shutdownDrainDelayMs,
        timeoutMs: config.shutdownTimeoutMs,
      });
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), config.shutdownTimeoutMs);
      });
      const drained = (async (): Promise<true> => {
        await sleep(config.shutdownDrainDelayMs);
        logger.info('Drain delay over; no longer accepting connections');
        await new Promise<void>((resolve) => server.close(() => resolve()));
        return true;
      })();
      const clean = await Promise.race([drained, deadline]);
      clearTimeout(timer);
      if (!clean) {
        logger.error('Shutdown deadline passed; closing the remaining connections', {
          timeoutMs: config.shutdownTimeoutMs,
        });
        server.closeAllConnections();
      }
      await monitor.stop();
      await database.destroy();
      logger.info('Shutdown complete', { clean });
      return clean;
    })();
    return shutdownPromise;
  };

  return { server, port, dependencies, routes, shutdown };
}
