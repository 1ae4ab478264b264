import type { Logger } from 'winston';
import type { ResourceType } from '../api/resources.ts';
import type { CacheReader } from './cache.ts';
import type { KubeClient } from './client.ts';
import type { Clock } from './clock.ts';
import type { EventRecorder } from './events.ts';
import type { KubeObject, ObjectKey } from './objects.ts';

/**
 * What a reconcile asks for next. `done` waits for the next change of a watched object;
 * `requeueAfter` also reconciles again after the delay (for time-based work such as schedules).
 * Throwing an error retries with the key's exponential backoff; a 409 Conflict is retried at once
 * after the cache catches up, and is not logged as an error.
 */
export type ReconcileResult = { requeueAfterMs?: number } | undefined | void;

/** Everything a reconcile may use. Reads go to the shared cache, writes through the client. */
export interface ReconcileContext {
  readonly client: KubeClient;
  readonly cache: CacheReader;
  readonly events: EventRecorder;
  readonly clock: Clock;
  /** Child logger carrying controller, namespace, name and reconcileId. */
  readonly log: Logger;
  readonly reconcileId: string;
}

/**
 * A watch on a secondary resource type: each change maps to the keys of the primary objects to
 * reconcile, for example a Deployment to the PlannerApps that reference it.
 */
export interface SecondaryWatch {
  type: ResourceType;
  map(object: KubeObject, cache: CacheReader): ObjectKey[];
}

/**
 * A controller to register with {@link Manager.register}. The manager watches `for` (the primary
 * type), every type in `owns` (changes map to the controlling owner of kind `for`), and every
 * `watches` entry, and calls reconcile with the primary object's key.
 */
export interface ControllerDefinition {
  /** Short lower-case name used in logs and metrics, such as plannerapp. */
  name: string;
  for: ResourceType;
  owns?: ResourceType[];
  watches?: SecondaryWatch[];
  /** Types the reconcile reads from the cache without mapping their changes to keys. */
  reads?: ResourceType[];
  /**
   * Skips updates of the primary object that change only its status (same generation, labels,
   * annotations, finalizers and deletion time). Set it when reconcile never reads its own status
   * as input, so each status write does not cause one more reconcile.
   */
  ignoreStatusUpdates?: boolean;
  /** Reconciles running at once for this controller; default the manager's concurrency. */
  concurrency?: number;
  /**
   * Makes the cluster match the primary object's spec. Called with the key only: read the object from
   * `context.cache` (it may be gone, which usually means nothing is left to do). Must be idempotent.
   */
  reconcile(request: ObjectKey, context: ReconcileContext): Promise<ReconcileResult>;
}

/** Ends a reconcile and asks for another one after delayMs. */
export function requeueAfter(delayMs: number): ReconcileResult {
  return { requeueAfterMs: Math.max(0, Math.round(delayMs)) };
}
