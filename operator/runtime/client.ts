import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import type { ResourceType } from '../api/resources.ts';
import { ApiError, NotLeaderError, type KubeStatus } from './errors.ts';
import { resourcePath, type KubeObject, type KubeList } from './objects.ts';

/** Counts every request the client sends; the manager feeds it into /metrics. */
export type RequestObserver = (verb: string, statusCode: number) => void;

/** Options for {@link KubeClient}. */
export interface KubeClientOptions {
  kubeConfig: KubeConfig;
  /** Called before every write; when it returns false the write is not sent and NotLeaderError is thrown. */
  writeGate?: () => boolean;
  observer?: RequestObserver;
  /** Per-request timeout for everything but watches. Default 30 s. */
  timeoutMs?: number;
  userAgent?: string;
}

/** Options of a single request. */
export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
  /** Overrides the client's timeout; 0 means none (watches). */
  timeoutMs?: number;
}

/** Options of a list call. */
export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
}

const writeVerbs = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * A small JSON client for the Kubernetes REST API, built on the kubeconfig's credentials and a
 * keep-alive connection pool. It covers what the operator needs: get, list, watch, create,
 * server-side apply, patch, replace and delete. It counts requests per verb and rejects writes
 * while the write gate is closed, so a replica that lost its lease stops writing at once.
 */
export class KubeClient {
  private readonly kubeConfig: KubeConfig;
  private readonly options: KubeClientOptions;
  private readonly server: URL;
  private readonly agent: http.Agent;

  constructor(options: KubeClientOptions) {
    this.kubeConfig = options.kubeConfig;
    this.options = options;
    const cluster = options.kubeConfig.getCurrentCluster();
    if (cluster === null) throw new Error('the kubeconfig has no current cluster; set a current context');
    this.server = new URL(cluster.server);
    const agentOptions = { keepAlive: true, maxSockets: 64, maxFreeSockets: 64 };
    this.agent = this.server.protocol === 'https:' ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
  }

  /** Reads one object; throws ApiError with status 404 when it does not exist. */
  get<T extends KubeObject>(type: ResourceType, namespace: string | undefined, name: string): Promise<T> {
    return this.request<T>('GET', resourcePath(type, namespace, name));
  }

  /** Reads one object, or returns undefined when it does not exist. */
  async find<T extends KubeObject>(type: ResourceType, namespace: string | undefined, name: string) {
    try {
      return await this.get<T>(type, namespace, name);
    } catch (error) {
      if (error instanceof ApiError && error.statusCode === 404) return undefined;
      throw error;
    }
  }

  /** Lists one page of objects; namespace undefined lists across all namespaces. */
  list<T extends KubeObject>(type: ResourceType, namespace: string | undefined, options: ListOptions = {}) {
    return this.request<KubeList<T>>('GET', resourcePath(type, namespace), { query: { ...options } });
  }

  /** Creates an object. */
  create<T extends KubeObject>(type: ResourceType, namespace: string | undefined, body: T): Promise<T> {
    return this.request<T>('POST', resourcePath(type, namespace), { body });
  }

  /**
   * Server-side applies body as fieldManager, taking over conflicting fields (force), so the
   * operator's intent wins over stale managers. The body must carry apiVersion, kind and name.
   */
  apply<T extends KubeObject>(type: ResourceType, body: T, fieldManager: string, subresource?: string): Promise<T> {
    const name = body.metadata?.name ?? '';
    return this.request<T>('PATCH', resourcePath(type, body.metadata?.namespace, name, subresource), {
      body,
      contentType: 'application/apply-patch+yaml',
      query: { fieldManager, force: true },
    });
  }

  /** Sends a JSON merge patch, or a JSON patch when patch is an array. */
  patch<T extends KubeObject>(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    patch: unknown,
    subresource?: string,
  ): Promise<T> {
    const contentType = Array.isArray(patch) ? 'application/json-patch+json' : 'application/merge-patch+json';
    return this.request<T>('PATCH', resourcePath(type, namespace, name, subresource), { body: patch, contentType });
  }

  /** Replaces an object (or its subresource); body.metadata.resourceVersion makes it conditional. */
  replace<T extends KubeObject>(type: ResourceType, body: T, subresource?: string): Promise<T> {
    const path = resourcePath(type, body.metadata?.namespace, body.metadata?.name ?? '', subresource);
    return this.request<T>('PUT', path, { body });
  }

  /** Deletes an object; returns false when it was already gone. */
  async delete(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    options: { uid?: string; propagationPolicy?: 'Background' | 'Foreground' | 'Orphan' } = {},
  ): Promise<boolean> {
    const body = {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      propagationPolicy: options.propagationPolicy ?? 'Background',
      ...(options.uid === undefined ? {} : { preconditions: { uid: options.uid } }),
    };
    try {
      await this.request('DELETE', resourcePath(type, namespace, name), { body });
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.statusCode === 404) return false;
      throw error;
    }
  }

  /** Sends a request and parses the JSON response; non-2xx responses throw ApiError. */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.open(method, path, options);
    const text = await readBody(response);
    const statusCode = response.statusCode ?? 0;
    if (statusCode < 200 || statusCode >= 300) throw new ApiError(method, path, statusCode, parseStatus(text));
    return (text === '' ? {} : JSON.parse(text)) as T;
  }

  /**
   * Opens a request and resolves with the response as soon as its headers arrive; the caller reads
   * (or streams) the body. Used directly by watches.
   */
  async open(method: string, path: string, options: RequestOptions = {}): Promise<http.IncomingMessage> {
    if (writeVerbs.has(method) && this.options.writeGate?.() === false) throw new NotLeaderError(method, path);
    const requestOptions: https.RequestOptions = { headers: {} };
    await this.kubeConfig.applyToHTTPSOptions(requestOptions);
    const url = new URL(this.server.pathname.replace(/\/$/, '') + path, this.server);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string> = {
      ...(requestOptions.headers as Record<string, string>),
      Accept: 'application/json',
      'User-Agent': this.options.userAgent ?? 'planner-operator',
    };
    if (payload !== undefined) {
      headers['Content-Type'] = options.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = transport.request(url, { ...requestOptions, method, headers, agent: this.agent }, (response) => {
        this.options.observer?.(verbOf(method, options), response.statusCode ?? 0);
        resolve(response);
      });
      req.once('error', reject);
      const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? 30_000;
      if (timeoutMs > 0) req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${path} timed out`)));
      const signal = options.signal;
      if (signal !== undefined) {
        const onAbort = (): void => {
          req.destroy(new Error('aborted'));
        };
        if (signal.aborted) onAbort();
        // Informers reuse one signal for every watch, so each request must remove its listener.
        signal.addEventListener('abort', onAbort, { once: true });
        req.once('close', () => signal.removeEventListener('abort', onAbort));
      }
      req.end(payload);
    });
  }

  /** Closes pooled connections. */
  close(): void {
    this.agent.destroy();
  }
}

function verbOf(method: string, options: RequestOptions): string {
  if (method === 'GET') return options.query?.watch === true ? 'WATCH' : 'GET';
  if (method === 'PATCH' && options.contentType === 'application/apply-patch+yaml') return 'APPLY';
  return method;
}

/** Reads the whole body of a response as text. */
export async function readBody(response: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseStatus(text: string): KubeStatus | undefined {
  try {
    return JSON.parse(text) as KubeStatus;
  } catch {
    return { message: text.slice(0, 200) };
  }
}
