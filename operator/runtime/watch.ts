import type { ResourceType } from '../api/resources.ts';
import type { KubeClient } from './client.ts';
import { readBody } from './client.ts';
import { ApiError, type KubeStatus } from './errors.ts';
import { resourcePath, type KubeObject } from './objects.ts';

/** One event of a watch stream. BOOKMARK events carry only a newer resourceVersion. */
export interface WatchEvent<T extends KubeObject> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';
  object: T;
}

/** Options of {@link watchResource}. */
export interface WatchOptions {
  namespace?: string;
  resourceVersion: string;
  labelSelector?: string;
  /** Server-side timeout after which the API server ends the stream cleanly. */
  timeoutSeconds: number;
  signal?: AbortSignal;
}

/**
 * Watches a collection from a resourceVersion and calls onEvent for each event, in order. Resolves
 * when the server ends the stream (normally at timeoutSeconds). Throws ApiError for an error
 * response or an ERROR event; a 410 Gone means the resourceVersion is too old and the caller must
 * list again.
 */
export async function watchResource<T extends KubeObject>(
  client: KubeClient,
  type: ResourceType,
  options: WatchOptions,
  onEvent: (event: WatchEvent<T>) => void,
): Promise<void> {
  const path = resourcePath(type, options.namespace);
  const response = await client.open('GET', path, {
    query: {
      watch: true,
      resourceVersion: options.resourceVersion,
      allowWatchBookmarks: true,
      timeoutSeconds: options.timeoutSeconds,
      labelSelector: options.labelSelector,
    },
    // A stream silent for much longer than the server-side timeout is dead (for example a
    // half-open connection after the API server's host went away).
    timeoutMs: (options.timeoutSeconds + 30) * 1000,
    signal: options.signal,
  });
  const statusCode = response.statusCode ?? 0;
  if (statusCode !== 200) {
    const text = await readBody(response);
    throw new ApiError('WATCH', path, statusCode, safeParse(text));
  }
  let buffered = '';
  response.setEncoding('utf8');
  for await (const chunk of response) {
    buffered += chunk as string;
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line !== '') dispatch(path, line, onEvent);
      newline = buffered.indexOf('\n');
    }
  }
}

function dispatch<T extends KubeObject>(path: string, line: string, onEvent: (event: WatchEvent<T>) => void): void {
  const event = JSON.parse(line) as { type: string; object: unknown };
  if (event.type === 'ERROR') {
    const status = event.object as KubeStatus;
    throw new ApiError('WATCH', path, status.code ?? 500, status);
  }
  onEvent(event as WatchEvent<T>);
}

function safeParse(text: string): KubeStatus | undefined {
  try {
    return JSON.parse(text) as KubeStatus;
  } catch {
    return undefined;
  }
}
