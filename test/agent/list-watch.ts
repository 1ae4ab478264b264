import { Watch, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { describeError } from './errors.ts';
import type { AgentLogger } from './logger.ts';

/** Options for {@link startListWatch}. */
export interface ListWatchOptions<T extends KubernetesObject> {
  readonly kubeConfig: KubeConfig;
  /** Collection path such as `/api/v1/pods` or `/api/v1/namespaces/x/pods`. */
  readonly path: string;
  /** Lists the collection; the list's resourceVersion starts the watch. */
  readonly list: () => Promise<{ items: T[]; resourceVersion: string }>;
  /** Receives the full list after every (re)list, so objects deleted while disconnected can be dropped. */
  readonly onSync: (items: T[]) => void;
  /** Receives each ADDED, MODIFIED and DELETED event. */
  readonly onEvent: (type: 'ADDED' | 'MODIFIED' | 'DELETED', object: T) => void;
  readonly logger: AgentLogger;
  /** First delay before a relist after a failure; doubles up to 5 s. Default 200 ms. */
  readonly initialBackoffMs?: number;
}

/** A running list-and-watch loop. */
export interface ListWatch {
  stop(): void;
}

const maxBackoffMs = 5_000;
// The apiserver ends a watch after this many seconds; a clean end is followed by a new watch
// from the last resourceVersion, without a relist.
const watchTimeoutSeconds = 60;

/**
 * Lists a collection, then watches it from the list's resourceVersion, forever. A failed list,
 * a failed watch or an ERROR event (such as 410 Gone) leads to a relist after a backoff. The loop
 * exists because client-node's informer does not restart itself after an error.
 */
export function startListWatch<T extends KubernetesObject>(options: ListWatchOptions<T>): ListWatch {
  const watch = new Watch(options.kubeConfig);
  const initialBackoffMs = options.initialBackoffMs ?? 200;
  let stopped = false;
  let backoffMs = initialBackoffMs;
  let abort: AbortController | undefined;
  let timer: NodeJS.Timeout | undefined;

  const schedule = (run: () => void, delayMs: number): void => {
    if (stopped) return;
    timer = setTimeout(run, delayMs);
  };

  const relistAfterFailure = (error: unknown, step: string): void => {
    if (stopped) return;
    options.logger.warn('Pod watch failed; relisting', {
      path: options.path,
      step,
      err: describeError(error),
      backoffMs,
    });
    schedule(() => void relist(), backoffMs);
    backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
  };

  const startWatch = async (resourceVersion: string): Promise<void> => {
    let lastVersion = resourceVersion;
    let failed = false;
    abort = await watch.watch(
      options.path,
      { resourceVersion, allowWatchBookmarks: true, timeoutSeconds: watchTimeoutSeconds },
      (type: string, object: T) => {
        if (failed) return;
        if (type === 'ERROR') {
          failed = true;
          abort?.abort();
          relistAfterFailure(object, 'watch event');
          return;
        }
        const version = object.metadata?.resourceVersion;
        if (version !== undefined) lastVersion = version;
        if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') {
          backoffMs = initialBackoffMs;
          options.onEvent(type, object);
        }
      },
      (error: unknown) => {
        if (stopped || failed) return;
        if (error === null || error === undefined) {
          schedule(() => void startWatch(lastVersion).catch((cause) => relistAfterFailure(cause, 'watch')), 0);
          return;
        }
        relistAfterFailure(error, 'watch');
      },
    );
  };

  const relist = async (): Promise<void> => {
    if (stopped) return;
    try {
      const { items, resourceVersion } = await options.list();
      if (stopped) return;
      options.onSync(items);
      await startWatch(resourceVersion);
    } catch (error) {
      relistAfterFailure(error, 'list');
    }
  };

  void relist();
  return {
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      abort?.abort();
    },
  };
}
