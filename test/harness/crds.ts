import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiextensionsV1Api, type KubeConfig, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { waitFor } from './processes.ts';
import { repositoryRoot } from './paths.ts';

/** The folder of plain CRD manifests; the chart renders the same files. */
export const crdDirectory = join(repositoryRoot, 'charts', 'planner', 'files', 'crds');

/** Reads every CRD manifest of the chart, in file name order. */
export async function readCrds(): Promise<V1CustomResourceDefinition[]> {
  if (!existsSync(crdDirectory)) return [];
  const files = (await readdir(crdDirectory)).filter((file) => file.endsWith('.yaml')).sort();
  return Promise.all(
    files.map(async (file) => parse(await readFile(join(crdDirectory, file), 'utf8')) as V1CustomResourceDefinition),
  );
}

function isEstablished(crd: V1CustomResourceDefinition): boolean {
  return (
    crd.status?.conditions?.some((condition) => condition.type === 'Established' && condition.status === 'True') ??
    false
  );
}

/** Creates (or replaces) the project's CRDs and waits until each is Established. */
export async function installCrds(kubeConfig: KubeConfig): Promise<void> {
  const api = kubeConfig.makeApiClient(ApiextensionsV1Api);
  for (const crd of await readCrds()) {
    const name = crd.metadata?.name ?? '';
    try {
      await api.createCustomResourceDefinition({ body: crd });
    } catch (error) {
      if ((error as { code?: number }).code !== 409) throw error;
      const current = await api.readCustomResourceDefinition({ name });
      await api.replaceCustomResourceDefinition({
        name,
        body: { ...crd, metadata: { ...crd.metadata, resourceVersion: current.metadata?.resourceVersion } },
      });
    }
    await waitFor(async () => (isEstablished(await api.readCustomResourceDefinition({ name })) ? true : undefined), {
      description: `CRD ${name} to be Established`,
      timeoutMs: 30_000,
    });
  }
}
