import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** A bind address such as `:8080`, `127.0.0.1:8080` or `0` (disabled). */
export interface BindAddress {
  host: string | undefined;
  port: number;
}

/**
 * Parses a bind address in the controller-runtime style: `:8080` listens on every interface,
 * `127.0.0.1:0` on a random loopback port, and `0` disables the listener (returns undefined).
 */
export function parseBindAddress(value: string): BindAddress | undefined {
  if (value === '0') return undefined;
  const colon = value.lastIndexOf(':');
  const host = colon <= 0 ? undefined : value.slice(0, colon).replace(/^\[|\]$/g, '');
  const portText = value.slice(colon + 1);
  const port = Number(portText);
  if (colon < 0 || !/^\d{1,5}$/.test(portText) || port > 65535) {
    throw new Error(`invalid bind address "${value}": use HOST:PORT, :PORT, or 0 to disable`);
  }
  return { host, port };
}

/** A small HTTP listener serving fixed routes. */
export interface HttpEndpoint {
  /** The bound port (useful with port 0). */
  readonly port: number;
  close(): Promise<void>;
}

type Route = () => Promise<{ status: number; body: string; contentType?: string }>;

/** Starts an HTTP server with GET routes. Unknown paths return 404. */
export async function serveRoutes(address: BindAddress, routes: Record<string, Route>): Promise<HttpEndpoint> {
  const server: Server = createServer((req, res) => {
    const route = req.method === 'GET' ? routes[(req.url ?? '').split('?')[0] ?? ''] : undefined;
    if (route === undefined) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    route().then(
      ({ status, body, contentType }) =>
        res.writeHead(status, { 'Content-Type': contentType ?? 'text/plain' }).end(body),
      () => res.writeHead(500, { 'Content-Type': 'text/plain' }).end('internal error\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Creates the /metrics route of a prom-client registry. */
export function metricsRoute(registry: Registry): Route {
  return async () => ({ status: 200, body: await registry.metrics(), contentType: registry.contentType });
}

/** A probe route returning 200 `ok` when check() returns undefined, and 503 with the problem it returns otherwise. */
export function probeRoute(check: () => string | undefined): Route {
  return async () => {
    const problem = check();
    return problem === undefined ? { status: 200, body: 'ok\n' } : { status: 503, body: `${problem}\n` };
  };
}
