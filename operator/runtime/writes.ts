import { isDeepStrictEqual } from 'node:util';
import type { V1OwnerReference } from '@kubernetes/client-node';
import type { ResourceType } from '../api/resources.ts';
import type { KubeClient } from './client.ts';
import type { KubeObject } from './objects.ts';

/** Field manager of every server-side apply the operator sends. */
export const fieldManager = 'planner-operator';

/** A controller owner reference to owner, so the garbage collector deletes dependents with it. */
export function controllerReference(owner: KubeObject): V1OwnerReference {
  const metadata = owner.metadata ?? {};
  if (metadata.uid === undefined || metadata.name === undefined) {
    throw new Error('an owner reference needs the owner name and uid; pass an object read from the API server');
  }
  return {
    apiVersion: owner.apiVersion ?? '',
    kind: owner.kind ?? '',
    name: metadata.name,
    uid: metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Whether object has a controller owner reference to owner (matched by uid). */
export function isControlledBy(object: KubeObject, owner: KubeObject): boolean {
  const uid = owner.metadata?.uid;
  return object.metadata?.ownerReferences?.some((ref) => ref.controller === true && ref.uid === uid) ?? false;
}

/**
 * Whether every field set in desired has the same value in observed. Objects are compared key by
 * key (extra observed keys are fine, as server defaults and other managers add them); arrays must
 * have the same length with each element a subset.
 */
export function isSubset(desired: unknown, observed: unknown): boolean {
  if (Array.isArray(desired)) {
    return (
      Array.isArray(observed) &&
      desired.length === observed.length &&
      desired.every((item, index) => isSubset(item, observed[index]))
    );
  }
  if (desired !== null && typeof desired === 'object') {
    if (observed === null || typeof observed !== 'object' || Array.isArray(observed)) return false;
    return Object.entries(desired).every(([key, value]) =>
      value === undefined ? true : isSubset(value, (observed as Record<string, unknown>)[key]),
    );
  }
  return desired === observed;
}

/**
 * Server-side applies desired unless observed (usually from the cache) already matches it, so a
 * steady state sends no writes. Returns the applied object, or observed when nothing was sent.
 */
export async function applyIfChanged<T extends KubeObject>(
  client: KubeClient,
  type: ResourceType,
  desired: T,
  observed: T | undefined,
): Promise<{ object: T; changed: boolean }> {
  if (observed !== undefined && isSubset(desired, observed)) return { object: observed, changed: false };
  return { object: await client.apply(type, desired, fieldManager), changed: true };
}

/**
 * Replaces the status subresource of object with status when it differs from object.status.
 * The replace carries object's resourceVersion, so a stale object fails with 409 Conflict and the
 * caller re-reads (the controller runtime requeues conflicts at once). Returns whether it wrote.
 */
export async function updateStatusIfChanged<T extends KubeObject & { status?: unknown }>(
  client: KubeClient,
  type: ResourceType,
  object: T,
  status: NonNullable<T['status']>,
): Promise<boolean> {
  if (isDeepStrictEqual(stripUndefined(object.status ?? {}), stripUndefined(status))) return false;
  await client.replace(type, { ...object, status }, 'status');
  return true;
}

/** A copy without undefined-valued keys, so optional fields left undefined compare equal to absent ones. */
export function stripUndefined<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
