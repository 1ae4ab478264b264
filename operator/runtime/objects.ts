import type { V1ObjectMeta } from '@kubernetes/client-node';
import type { ResourceType } from '../api/resources.ts';

/** Any Kubernetes object as the client returns it. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: V1ObjectMeta;
}

/** A list response. */
export interface KubeList<T> {
  items: T[];
  metadata?: { resourceVersion?: string; continue?: string };
}

/** Namespace and name of an object, the unit of work of a controller. */
export interface ObjectKey {
  namespace: string;
  name: string;
}

/** The `namespace/name` key of an object, or just the name for a cluster-scoped one. */
export function keyOf(key: { namespace?: string | undefined; name?: string | undefined }): string {
  return key.namespace === undefined || key.namespace === '' ? (key.name ?? '') : `${key.namespace}/${key.name}`;
}

/** Key of an object from its metadata. */
export function objectKeyString(object: KubeObject): string {
  return keyOf({ namespace: object.metadata?.namespace, name: object.metadata?.name });
}

/** Parses a `namespace/name` key. */
export function parseKey(key: string): ObjectKey {
  const slash = key.indexOf('/');
  return slash < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** URL path of a collection, an object or an object's subresource. */
export function resourcePath(type: ResourceType, namespace?: string, name?: string, subresource?: string): string {
  const base = type.group === '' ? `/api/${type.version}` : `/apis/${type.group}/${type.version}`;
  const scope = type.namespaced && namespace !== undefined && namespace !== '' ? `/namespaces/${namespace}` : '';
  const object = name === undefined ? '' : `/${encodeURIComponent(name)}`;
  const sub = subresource === undefined ? '' : `/${subresource}`;
  return `${base}${scope}/${type.plural}${object}${sub}`;
}
