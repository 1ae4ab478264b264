import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { V1CustomResourceDefinition } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { runCommand } from './processes.ts';
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

/**
 * Applies the project's CRDs with `kubectl apply --server-side` and waits until each is
 * Established. kubectl sends the YAML as it is: client-node's typed serializer would drop the
 * `default` and `x-kubernetes-validations` keys it does not model, leaving CRDs without their
 * defaults and most CEL rules.
 */
export async function installCrds(kubectl: string, kubeconfigPath: string): Promise<void> {
  if ((await readCrds()).length === 0) return;
  const base = ['--kubeconfig', kubeconfigPath];
  await runCommand(kubectl, [...base, 'apply', '--server-side', '--field-manager=planner-harness', '-f', crdDirectory]);
  await runCommand(kubectl, [...base, 'wait', '--for=condition=Established', '--timeout=60s', '-f', crdDirectory]);
}
