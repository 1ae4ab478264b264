import { open } from 'node:fs/promises';
import { CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import type { PlannerApp, PlannerBackup, PlannerRestore } from '../../operator/api/generated.ts';

const group = 'planner.bbcagents.io';
const version = 'v1alpha1';
type Plural = 'plannerapps' | 'plannerbackups' | 'plannerrestores';
type ObjectOf<P extends Plural> = P extends 'plannerapps'
  ? PlannerApp
  : P extends 'plannerbackups'
    ? PlannerBackup
    : PlannerRestore;

/** Reads and patches the planner custom resources. */
export class PlannerObjects {
  readonly #api: CustomObjectsApi;
  readonly #namespace: string;

  constructor(kubeConfig: KubeConfig, namespace: string) {
    this.#api = kubeConfig.makeApiClient(CustomObjectsApi);
    this.#namespace = namespace;
  }

  async get<P extends Plural>(plural: P, name: string): Promise<ObjectOf<P>> {
    return (await this.#api.getNamespacedCustomObject({
      group,
      version,
      namespace: this.#namespace,
      plural,
      name,
    })) as ObjectOf<P>;
  }

  async list<P extends Plural>(plural: P): Promise<ObjectOf<P>[]> {
    const list = (await this.#api.listNamespacedCustomObject({
      group,
      version,
      namespace: this.#namespace,
      plural,
    })) as {
      items: ObjectOf<P>[];
    };
    return list.items;
  }

  /** A JSON merge patch of the object's spec or metadata. */
  async mergePatch(plural: Plural, name: string, patch: object): Promise<void> {
    await this.#api.patchNamespacedCustomObject(
      { group, version, namespace: this.#namespace, plural, name, body: patch },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  }

  async create(plural: Plural, body: object): Promise<void> {
    await this.#api.createNamespacedCustomObject({ group, version, namespace: this.#namespace, plural, body });
  }
}

/**
 * Follows a growing text file, as `tail -f` does, calling onLine for each complete line until
 * stop() is called; the rest of the file is read once more on stop.
 */
export function followFile(path: string, onLine: (line: string) => void): { stop(): Promise<void> } {
  let position = 0;
  let partial = '';
  let stopped = false;
  const readMore = async (): Promise<void> => {
    let handle;
    try {
      handle = await open(path, 'r');
    } catch {
      return;
    }
    try {
      const buffer = Buffer.alloc(64 * 1024);
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
        if (bytesRead === 0) break;
        position += bytesRead;
        const lines = (partial + buffer.subarray(0, bytesRead).toString()).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) if (line.trim() !== '') onLine(line);
      }
    } finally {
      await handle.close();
    }
  };
  let chain = Promise.resolve();
  const timer = setInterval(() => {
    chain = chain.then(readMore);
  }, 250);
  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      await chain;
      await readMore();
    },
  };
}

/**
 * A one-line rendering of a JSON log line: its message and the fields that matter to a person.
 * JSON without a message (the runner's final result document) gives undefined.
 */
export function describeLogLine(line: string): string | undefined {
  try {
    const entry = JSON.parse(line) as Record<string, unknown>;
    if (entry.message === undefined) return undefined;
    const fields = Object.entries(entry)
      .filter(([key]) => !['message', 'level', 'timestamp', 'service', 'component', 'location'].includes(key))
      .filter(([, value]) => typeof value !== 'object')
      .map(([key, value]) => `${key}=${String(value)}`)
      .join(' ');
    return `${String(entry.message ?? '')}${fields === '' ? '' : `  ${fields}`}`;
  } catch {
    return line;
  }
}
