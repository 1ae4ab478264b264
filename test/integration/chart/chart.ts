import { spawn } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { repositoryRoot } from '../../harness/paths.ts';
import { ensureTools } from '../../harness/tools.ts';

/** The chart under test. */
export const chartDirectory = join(repositoryRoot, 'charts', 'planner');

/** Kubernetes version passed to `helm template`, matching the harness's kube-apiserver. */
export const kubeVersion = '1.36.3';

/** API versions that tell `helm template` the cluster already serves the planner CRDs. */
export const plannerApiVersions = [
  'planner.bbcagents.io/v1alpha1/PlannerApp',
  'planner.bbcagents.io/v1alpha1/PlannerBackup',
  'planner.bbcagents.io/v1alpha1/PlannerRestore',
];

/** One object of a rendered manifest. */
export interface RenderedObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

/** The output of a finished command. */
export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs helm or kubectl (from the harness's tool folder) with KUBECONFIG set, and returns its exit code
 * and output without throwing, so tests can assert on failures too. Killed after timeoutMs.
 */
export function runTool(
  tool: 'helm' | 'kubectl',
  args: readonly string[],
  options: { kubeconfig?: string; input?: string; timeoutMs?: number } = {},
): Promise<CommandResult> {
  const path = ensureTools()[tool];
  const env = { ...process.env };
  if (options.kubeconfig !== undefined) env.KUBECONFIG = options.kubeconfig;
  return new Promise((resolve, reject) => {
    const child = spawn(path, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Like {@link runTool}, but throws with the command line and its stderr unless it exits 0. */
export async function mustRun(
  tool: 'helm' | 'kubectl',
  args: readonly string[],
  options: { kubeconfig?: string; input?: string; timeoutMs?: number } = {},
): Promise<CommandResult> {
  const result = await runTool(tool, args, options);
  if (result.code !== 0) {
    throw new Error(`${tool} ${args.join(' ')} exited with code ${String(result.code)}:\n${result.stderr.trim()}`);
  }
  return result;
}

/** Turns a values object into `--set-json` arguments, one per top-level key. */
export function valueArgs(values: Record<string, unknown>): string[] {
  return Object.entries(values).flatMap(([key, value]) => ['--set-json', `${key}=${JSON.stringify(value)}`]);
}

/** Options for {@link renderChart}. */
export interface RenderOptions {
  namespace?: string;
  releaseName?: string;
  values?: Record<string, unknown>;
  /** Renders as if the cluster served the planner CRDs already. Default false. */
  crdsServed?: boolean;
  /** Another copy of the chart to render. */
  chart?: string;
}

/** Runs `helm template` and returns its result without throwing. */
export function templateChart(options: RenderOptions = {}): Promise<CommandResult> {
  const args = [
    'template',
    options.releaseName ?? 'planner',
    options.chart ?? chartDirectory,
    '--namespace',
    options.namespace ?? 'default',
    '--kube-version',
    kubeVersion,
    ...(options.crdsServed === true ? plannerApiVersions.flatMap((version) => ['--api-versions', version]) : []),
    ...valueArgs(options.values ?? {}),
  ];
  return runTool('helm', args);
}

/** Renders the chart and parses every object; throws with helm's message when rendering fails. */
export async function renderChart(options: RenderOptions = {}): Promise<RenderedObject[]> {
  const result = await templateChart(options);
  if (result.code !== 0) throw new Error(`helm template failed:\n${result.stderr.trim()}`);
  return parseManifest(result.stdout);
}

/** Parses a multi-document YAML manifest, dropping empty documents. */
export function parseManifest(manifest: string): RenderedObject[] {
  return parseAllDocuments(manifest)
    .map((document) => document.toJS() as RenderedObject | null)
    .filter((object): object is RenderedObject => object !== null && typeof object === 'object');
}

/** Returns the one object of the given kind and name, or throws listing what was rendered. */
export function findObject(objects: readonly RenderedObject[], kind: string, name: string): RenderedObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (found === undefined) {
    const rendered = objects.map((object) => `${object.kind}/${object.metadata.name}`).join(', ');
    throw new Error(`expected ${kind}/${name} in the rendered chart; rendered: ${rendered}`);
  }
  return found;
}

/** The pod spec of a workload (Deployment, StatefulSet, Job) or of a Pod. */
export function podSpecOf(object: RenderedObject): Record<string, unknown> {
  if (object.kind === 'Pod') return object.spec as Record<string, unknown>;
  const spec = object.spec as { template: { spec: Record<string, unknown> } };
  return spec.template.spec;
}

/** The kinds that carry a pod spec. */
export const workloadKinds = new Set(['Deployment', 'StatefulSet', 'Job', 'Pod']);

/** Copies the chart to a temporary folder, for tests that change its files; remove it when done. */
export async function copyChart(): Promise<{ path: string; remove(): Promise<void> }> {
  const folder = await mkdtemp(join(tmpdir(), 'planner-chart-'));
  const path = join(folder, 'planner');
  await cp(chartDirectory, path, { recursive: true });
  return { path, remove: () => rm(folder, { recursive: true, force: true }) };
}

/** Labels that make a namespace reject any pod that Pod Security "restricted" forbids, and warn on templates. */
export const restrictedNamespaceLabels = {
  'pod-security.kubernetes.io/enforce': 'restricted',
  'pod-security.kubernetes.io/enforce-version': 'latest',
  'pod-security.kubernetes.io/warn': 'restricted',
  'pod-security.kubernetes.io/warn-version': 'latest',
};

/** Adds labels to a namespace with kubectl (client-node's patch defaults to JSON Patch). */
export async function labelNamespace(kubeconfig: string, name: string, labels: Record<string, string>): Promise<void> {
  const pairs = Object.entries(labels).map(([key, value]) => `${key}=${value}`);
  await mustRun('kubectl', ['label', 'namespace', name, '--overwrite', ...pairs], { kubeconfig });
}
