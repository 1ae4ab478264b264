import type { CoreV1Api, V1ConfigMap, V1Container, V1Pod, V1Secret } from '@kubernetes/client-node';
import { ContainerConfigError, readOptional } from './errors.ts';

/** Reads Secrets and ConfigMaps of one namespace, each at most once per container start. */
class ReferenceReader {
  readonly #core: CoreV1Api;
  readonly #namespace: string;
  readonly #secrets = new Map<string, Promise<V1Secret | undefined>>();
  readonly #configMaps = new Map<string, Promise<V1ConfigMap | undefined>>();

  constructor(core: CoreV1Api, namespace: string) {
    this.#core = core;
    this.#namespace = namespace;
  }

  async secretData(name: string): Promise<Record<string, string> | undefined> {
    let secret = this.#secrets.get(name);
    if (secret === undefined) {
      secret = readOptional(() => this.#core.readNamespacedSecret({ name, namespace: this.#namespace }));
      this.#secrets.set(name, secret);
    }
    const data = (await secret)?.data;
    if (data === undefined) return (await secret) === undefined ? undefined : {};
    return Object.fromEntries(
      Object.entries(data).map(([key, value]) => [key, Buffer.from(value, 'base64').toString()]),
    );
  }

  async configMapData(name: string): Promise<Record<string, string> | undefined> {
    let configMap = this.#configMaps.get(name);
    if (configMap === undefined) {
      configMap = readOptional(() => this.#core.readNamespacedConfigMap({ name, namespace: this.#namespace }));
      this.#configMaps.set(name, configMap);
    }
    const found = await configMap;
    return found === undefined ? undefined : (found.data ?? {});
  }
}

/**
 * Resolves a container's environment as the kubelet does: envFrom sources first (every key,
 * with the source's prefix), then env entries, which override them, with
 * `$(NAME)` references to earlier variables expanded. Secret and ConfigMap references honour
 * `optional`; a missing required one throws ContainerConfigError with the kubelet's wording.
 */
export async function resolveContainerEnvironment(
  pod: V1Pod,
  container: V1Container,
  core: CoreV1Api,
): Promise<Record<string, string>> {
  const reader = new ReferenceReader(core, pod.metadata?.namespace ?? 'default');
  const environment: Record<string, string> = {};

  for (const source of container.envFrom ?? []) {
    const prefix = source.prefix ?? '';
    let data: Record<string, string> | undefined;
    if (source.secretRef !== undefined) {
      data = await reader.secretData(source.secretRef.name ?? '');
      if (data === undefined && source.secretRef.optional !== true) {
        throw new ContainerConfigError(`secret "${source.secretRef.name}" not found`);
      }
    } else if (source.configMapRef !== undefined) {
      data = await reader.configMapData(source.configMapRef.name ?? '');
      if (data === undefined && source.configMapRef.optional !== true) {
        throw new ContainerConfigError(`configmap "${source.configMapRef.name}" not found`);
      }
    }
    for (const [key, value] of Object.entries(data ?? {})) environment[prefix + key] = value;
  }

  for (const variable of container.env ?? []) {
    if (variable.valueFrom === undefined) {
      environment[variable.name] = expandReferences(variable.value ?? '', environment);
      continue;
    }
    const value = await resolveValueFrom(pod, variable.valueFrom, reader);
    if (value !== undefined) environment[variable.name] = value;
  }
  return environment;
}

async function resolveValueFrom(
  pod: V1Pod,
  source: NonNullable<NonNullable<V1Container['env']>[number]['valueFrom']>,
  reader: ReferenceReader,
): Promise<string | undefined> {
  if (source.secretKeyRef !== undefined) {
    const { name = '', key, optional } = source.secretKeyRef;
    const data = await reader.secretData(name);
    if (data === undefined) {
      if (optional === true) return undefined;
      throw new ContainerConfigError(`secret "${name}" not found`);
    }
    if (data[key] === undefined && optional !== true) {
      throw new ContainerConfigError(`couldn't find key ${key} in Secret ${pod.metadata?.namespace}/${name}`);
    }
    return data[key];
  }
  if (source.configMapKeyRef !== undefined) {
    const { name = '', key, optional } = source.configMapKeyRef;
    const data = await reader.configMapData(name);
    if (data === undefined) {
      if (optional === true) return undefined;
      throw new ContainerConfigError(`configmap "${name}" not found`);
    }
    if (data[key] === undefined && optional !== true) {
      throw new ContainerConfigError(`couldn't find key ${key} in ConfigMap ${pod.metadata?.namespace}/${name}`);
    }
    return data[key];
  }
  if (source.fieldRef !== undefined) return resolveFieldPath(pod, source.fieldRef.fieldPath);
  // NOTE: resourceFieldRef is not resolved, because the agent enforces no resource limits.
  return undefined;
}

/** Returns the value of a downward API field path, as the kubelet resolves it for env. */
export function resolveFieldPath(pod: V1Pod, fieldPath: string): string {
  const keyed = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
  if (keyed !== null) {
    const map = keyed[1] === 'labels' ? pod.metadata?.labels : pod.metadata?.annotations;
    return map?.[keyed[2] ?? ''] ?? '';
  }
  switch (fieldPath) {
    case 'metadata.name':
      return pod.metadata?.name ?? '';
    case 'metadata.namespace':
      return pod.metadata?.namespace ?? '';
    case 'metadata.uid':
      return pod.metadata?.uid ?? '';
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP':
    case 'status.hostIPs':
    case 'status.podIP':
    case 'status.podIPs':
      return '127.0.0.1';
    default:
      throw new ContainerConfigError(`unsupported fieldRef path ${fieldPath}`);
  }
}

/**
 * Expands `$(NAME)` references to variables in `environment`, as Kubernetes does in env values,
 * command and args. `$$` escapes a dollar sign, and a reference to an unknown name stays as written.
 */
export function expandReferences(value: string, environment: Readonly<Record<string, string>>): string {
  return value.replace(/\$\$|\$\(([^)]*)\)/g, (match, name: string | undefined) => {
    if (match === '$$') return '$';
    const resolved = name === undefined ? undefined : environment[name];
    return resolved ?? match;
  });
}
