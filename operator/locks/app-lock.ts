import { createHash } from 'node:crypto';
import type { V1Lease } from '@kubernetes/client-node';
import { appLabel, managedByLabel, managedByValue } from '../api/constants.ts';
import { resourceTypes } from '../api/resources.ts';
import type { KubeClient } from '../runtime/client.ts';
import { isAlreadyExists } from '../runtime/errors.ts';
import { microTime } from '../runtime/leader.ts';
import type { KubeObject } from '../runtime/objects.ts';
import { controllerReference } from '../runtime/writes.ts';

/**
 * The per-app lock: one coordination.k8s.io/v1 Lease per PlannerApp, named `planner-app-<app>`,
 * that serializes everything touching the app's database: backup runs, retention pruning and
 * restores. The holder identity names the work, not the process, for example
 * `backup/<PlannerBackup>/<runId>` or `restore/<PlannerRestore>`, so an operator restarted
 * mid-run finds its own lock and carries on. A lock lasts until released, or until
 * `durationSeconds` pass after its last acquire or renew (so a holder deleted mid-run cannot block
 * the app forever); holders of long work renew it from their reconciles.
 */
export interface AppLockRequest {
  namespace: string;
  /** Name of the PlannerApp. */
  app: string;
  /** Identity of the work holding the lock. */
  holder: string;
  /** Validity after each acquire or renew, in seconds. */
  durationSeconds: number;
  now: Date;
  /** The PlannerApp object; when given, the Lease is owned by it and deleted with it. */
  owner?: KubeObject;
}

/** Outcome of {@link acquireAppLock}. */
export type AppLockResult =
  | { acquired: true }
  | { acquired: false; holder: string; /** When the other holder's lock expires. */ expiresAt: Date };

/** The state of an app's lock as read from its Lease. */
export interface AppLockState {
  holder: string;
  acquireTime: Date | undefined;
  expiresAt: Date;
}

/** Name of an app's lock Lease; long app names are shortened with a hash to stay a valid name. */
export function appLockName(app: string): string {
  const name = `planner-app-${app}`;
  if (name.length <= 253) return name;
  const digest = createHash('sha256').update(app).digest('hex').slice(0, 10);
  return `${name.slice(0, 242)}-${digest}`;
}

/** Reads an app's lock; undefined when no one holds it (no Lease, released, or expired at now). */
export async function readAppLock(
  client: KubeClient,
  namespace: string,
  app: string,
  now: Date,
): Promise<AppLockState | undefined> {
  const lease = await client.find<V1Lease>(resourceTypes.lease, namespace, appLockName(app));
  const state = lease === undefined ? undefined : lockState(lease);
  return state === undefined || state.expiresAt <= now ? undefined : state;
}

/**
 * Takes the app's lock for holder, or renews it when holder already has it. Returns the current
 * holder when someone else holds a valid lock. Throws ApiError 409 when another writer changed the
 * Lease at the same moment; the caller retries (controllers just rethrow, and the runtime retries).
 */
export async function acquireAppLock(client: KubeClient, request: AppLockRequest): Promise<AppLockResult> {
  const name = appLockName(request.app);
  const existing = await client.find<V1Lease>(resourceTypes.lease, request.namespace, name);
  if (existing === undefined) {
    try {
      await client.create<V1Lease>(resourceTypes.lease, request.namespace, leaseFor(request, undefined));
      return { acquired: true };
    } catch (error) {
      if (isAlreadyExists(error)) return acquireAppLock(client, request);
      throw error;
    }
  }
  const state = lockState(existing);
  if (state !== undefined && state.holder !== request.holder && state.expiresAt > request.now) {
    return { acquired: false, holder: state.holder, expiresAt: state.expiresAt };
  }
  await client.replace<V1Lease>(resourceTypes.lease, leaseFor(request, existing));
  return { acquired: true };
}

/**
 * Releases the app's lock if holder holds it; returns whether it did. Releasing a lock that is
 * free or held by another is a no-op, so it is safe to repeat.
 */
export async function releaseAppLock(
  client: KubeClient,
  request: { namespace: string; app: string; holder: string },
): Promise<boolean> {
  const lease = await client.find<V1Lease>(resourceTypes.lease, request.namespace, appLockName(request.app));
  if (lease?.spec?.holderIdentity !== request.holder) return false;
  const { holderIdentity: _holder, ...spec } = lease.spec;
  await client.replace<V1Lease>(resourceTypes.lease, { ...lease, spec });
  return true;
}

function lockState(lease: V1Lease): AppLockState | undefined {
  const spec = lease.spec;
  if (spec?.holderIdentity === undefined || spec.holderIdentity === '' || spec.renewTime === undefined)
    return undefined;
  const renewed = new Date(spec.renewTime);
  return {
    holder: spec.holderIdentity,
    acquireTime: spec.acquireTime === undefined ? undefined : new Date(spec.acquireTime),
    expiresAt: new Date(renewed.getTime() + (spec.leaseDurationSeconds ?? 0) * 1000),
  };
}

function leaseFor(request: AppLockRequest, existing: V1Lease | undefined): V1Lease {
  const now = microTime(request.now) as unknown as Date;
  const renewing = existing?.spec?.holderIdentity === request.holder;
  const transitions = existing?.spec?.leaseTransitions ?? 0;
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      ...existing?.metadata,
      name: appLockName(request.app),
      namespace: request.namespace,
      labels: { ...existing?.metadata?.labels, [appLabel]: request.app, [managedByLabel]: managedByValue },
      ...(request.owner === undefined ? {} : { ownerReferences: [controllerReference(request.owner)] }),
    },
    spec: {
      holderIdentity: request.holder,
      leaseDurationSeconds: request.durationSeconds,
      acquireTime: renewing ? existing?.spec?.acquireTime : now,
      renewTime: now,
      leaseTransitions: renewing || existing === undefined ? transitions : transitions + 1,
    },
  };
}
