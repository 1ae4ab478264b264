import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CoreV1Api, KubeConfig, V1Pod } from '@kubernetes/client-node';

// Used when the token volume names no lifetime. The ServiceAccount admission plugin sets 3607 s.
const defaultTokenExpirationSeconds = 3600;

/**
 * Requests a token for the pod's service account, bound to the pod, and writes a kubeconfig that
 * uses it beside the cluster's server address and certificate authority. Processes of the pod get
 * it as KUBECONFIG, so they reach the API with the pod's own RBAC permissions, as in-cluster
 * configuration would give them. The token, ca.crt and namespace files are also written into the
 * token volume's folder. Returns the kubeconfig path.
 */
export async function writeServiceAccountKubeconfig(
  pod: V1Pod,
  kubeConfig: KubeConfig,
  core: CoreV1Api,
  podDir: string,
  tokenVolumeDir: string | undefined,
): Promise<string> {
  const { name = '', namespace = 'default', uid = '' } = pod.metadata ?? {};
  const serviceAccount = pod.spec?.serviceAccountName ?? 'default';
  const request = await core.createNamespacedServiceAccountToken({
    name: serviceAccount,
    namespace,
    body: {
      spec: {
        audiences: [],
        // NOTE: the token is never refreshed, so a pod that outlives it loses access to the API.
        expirationSeconds: tokenExpirationSeconds(pod),
        boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name, uid },
      },
    },
  });
  const token = request.status?.token ?? '';
  const cluster = kubeConfig.getCurrentCluster();
  if (cluster === null) throw new Error('the kubeconfig has no current cluster');
  const certificateAuthority =
    cluster.caData !== undefined
      ? Buffer.from(cluster.caData, 'base64').toString()
      : cluster.caFile !== undefined
        ? await readFile(cluster.caFile, 'utf8')
        : '';

  if (tokenVolumeDir !== undefined) {
    await writeFile(join(tokenVolumeDir, 'token'), token);
    await writeFile(join(tokenVolumeDir, 'ca.crt'), certificateAuthority);
    await writeFile(join(tokenVolumeDir, 'namespace'), namespace);
  }

  const kubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'in-cluster',
        cluster: {
          server: cluster.server,
          ...(certificateAuthority === ''
            ? { 'insecure-skip-tls-verify': cluster.skipTLSVerify === true }
            : { 'certificate-authority-data': Buffer.from(certificateAuthority).toString('base64') }),
        },
      },
    ],
    users: [{ name: `system:serviceaccount:${namespace}:${serviceAccount}`, user: { token } }],
    contexts: [
      {
        name: 'in-cluster',
        context: { cluster: 'in-cluster', user: `system:serviceaccount:${namespace}:${serviceAccount}`, namespace },
      },
    ],
    'current-context': 'in-cluster',
  };
  const file = join(podDir, 'kubeconfig');
  await writeFile(file, JSON.stringify(kubeconfig, null, 2), { mode: 0o600 });
  return file;
}

/** Returns the name of the projected volume that carries the pod's service account token, if any. */
export function serviceAccountTokenVolumeName(pod: V1Pod): string | undefined {
  const volume = (pod.spec?.volumes ?? []).find((candidate) =>
    (candidate.projected?.sources ?? []).some((source) => source.serviceAccountToken !== undefined),
  );
  return volume?.name;
}

function tokenExpirationSeconds(pod: V1Pod): number {
  for (const volume of pod.spec?.volumes ?? []) {
    for (const source of volume.projected?.sources ?? []) {
      const seconds = source.serviceAccountToken?.expirationSeconds;
      if (seconds !== undefined) return seconds;
    }
  }
  return defaultTokenExpirationSeconds;
}
