import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, repositoryRoot } from './paths.ts';

/** The programs of the test control plane and the chart tests. */
export type ToolName = 'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'kubectl' | 'helm';

const allTools: readonly ToolName[] = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kubectl', 'helm'];

/**
 * Returns the folder holding every tool. KUBEBUILDER_ASSETS wins when it
 * points at ready binaries (helm may then still come from the cache);
 * otherwise scripts/setup-tools.sh builds what is missing into the cache.
 */
export function ensureTools(): Record<ToolName, string> {
  const cached = join(cacheDir, 'bin');
  const assets = process.env.KUBEBUILDER_ASSETS;
  const locate = (tool: ToolName): string | undefined => {
    for (const dir of [assets, cached]) {
      if (dir !== undefined && dir !== '' && existsSync(join(dir, tool))) return join(dir, tool);
    }
    return undefined;
  };

  if (allTools.some((tool) => locate(tool) === undefined)) {
    execFileSync('bash', [join(repositoryRoot, 'scripts', 'setup-tools.sh')], { stdio: 'inherit' });
  }
  const found = {} as Record<ToolName, string>;
  for (const tool of allTools) {
    const path = locate(tool);
    if (path === undefined) {
      throw new Error(`${tool} is missing from ${cached} after scripts/setup-tools.sh; see its output above`);
    }
    found[tool] = path;
  }
  return found;
}
