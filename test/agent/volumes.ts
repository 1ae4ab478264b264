import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CoreV1Api, V1Container, V1Pod, V1Volume } from '@kubernetes/client-node';
import { ContainerConfigError, readOptional } from './errors.ts';

/** Host folder of a PersistentVolumeClaim: the same claim always maps to the same folder. */
export function claimHostPath(workDir: string, namespace: string, claimName: string): string {
  return join(workDir, 'volumes', namespace, claimName);
}

/** Where each volume of a pod lives on the host, by volume name. */
export type VolumeHostPaths = ReadonlyMap<string, string>;

/**
 * Creates the host folder of every volume of a pod and returns them by volume name.
 * A persistentVolumeClaim maps to {@link claimHostPath}, so data outlives the pod. Every other
 * kind gets a fresh folder under `podDir`: emptyDir starts empty, secret and configMap volumes
 * are filled with their keys, and hostPath is deliberately not passed through to the host.
 * Throws ContainerConfigError when a required Secret or ConfigMap is missing.
 */
export async function prepareVolumes(
  pod: V1Pod,
  workDir: string,
  podDir: string,
  core: CoreV1Api,
): Promise<VolumeHostPaths> {
  const namespace = pod.metadata?.namespace ?? 'default';
  const paths = new Map<string, string>();
  for (const volume of pod.spec?.volumes ?? []) {
    const claimName = volume.persistentVolumeClaim?.claimName;
    const hostPath =
      claimName !== undefined ? claimHostPath(workDir, namespace, claimName) : join(podDir, 'volumes', volume.name);
    await mkdir(hostPath, { recursive: true });
    await fillVolume(volume, hostPath, namespace, core);
    paths.set(volume.name, hostPath);
  }
  return paths;
}

async function fillVolume(volume: V1Volume, hostPath: string, namespace: string, core: CoreV1Api): Promise<void> {
  if (volume.secret?.secretName !== undefined) {
    const name = volume.secret.secretName;
    const data = await readOptional(() => core.readNamespacedSecret({ name, namespace }));
    if (data === undefined) {
      if (volume.secret.optional === true) return;
      throw new ContainerConfigError(`secret "${name}" not found`);
    }
    await writeKeys(hostPath, decodeValues(data.data ?? {}), volume.secret.items);
  }
  if (volume.configMap?.name !== undefined) {
    const name = volume.configMap.name;
    const data = await readOptional(() => core.readNamespacedConfigMap({ name, namespace }));
    if (data === undefined) {
      if (volume.configMap.optional === true) return;
      throw new ContainerConfigError(`configmap "${name}" not found`);
    }
    await writeKeys(hostPath, data.data ?? {}, volume.configMap.items);
  }
}

function decodeValues(data: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(data).map(([key, value]) => [key, Buffer.from(value, 'base64').toString()]));
}

async function writeKeys(
  folder: string,
  data: Record<string, string>,
  items: { key: string; path: string }[] | undefined,
): Promise<void> {
  const selected = items ?? Object.keys(data).map((key) => ({ key, path: key }));
  for (const { key, path } of selected) {
    const value = data[key];
    if (value === undefined) continue;
    const file = join(folder, path);
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, value);
  }
}

/** A container's mount points, each with the host folder it maps to, longest mount path first. */
export type MountMap = readonly { readonly mountPath: string; readonly hostPath: string }[];

/** Returns the host folder behind each volumeMount of a container (subPath included). */
export function mountMapOf(container: V1Container, volumes: VolumeHostPaths): MountMap {
  const mounts = (container.volumeMounts ?? []).flatMap((mount) => {
    const volumePath = volumes.get(mount.name);
    if (volumePath === undefined) return [];
    const hostPath = mount.subPath ? join(volumePath, mount.subPath) : volumePath;
    return [{ mountPath: mount.mountPath.replace(/\/+$/, '') || '/', hostPath }];
  });
  return mounts.sort((a, b) => b.mountPath.length - a.mountPath.length);
}

/**
 * Rewrites a value that names a path inside a mount to the host path behind it. The whole value
 * is checked, and so is the part after the first `=` (for `--output=/backups/x`). Values that
 * merely share a prefix (`/backups2` for a mount at `/backups`) are left alone.
 */
export function rewriteMountedPath(value: string, mounts: MountMap): string {
  const whole = rewriteWhole(value, mounts);
  if (whole !== undefined) return whole;

  const equals = value.indexOf('=');
  if (equals < 0) return value;
  const tail = rewriteWhole(value.slice(equals + 1), mounts);
  return tail === undefined ? value : value.slice(0, equals + 1) + tail;
}

function rewriteWhole(value: string, mounts: MountMap): string | undefined {
  for (const { mountPath, hostPath } of mounts) {
    if (value === mountPath) return hostPath;
    if (value.startsWith(`${mountPath}/`)) return hostPath + value.slice(mountPath.length);
  }
  return undefined;
}
