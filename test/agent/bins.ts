import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { V1Container } from '@kubernetes/client-node';

/** The program names of planner's package.json `bin` map that the agent runs as host processes. */
export const plannerBinNames = ['planner-backup', 'planner-server', 'planner-operator', 'kubectl-planner'] as const;

/** Maps a program name to the absolute path of the JavaScript or TypeScript file that Node runs for it. */
export type BinMap = ReadonlyMap<string, string>;

/**
 * Reads the `bin` map of `<repositoryRoot>/package.json` and returns the entries for planner's
 * programs, with paths made absolute. With `fromSource`, a `dist/<path>.js` entry maps to
 * `<path>.ts` instead, which Node 24 runs directly, so no build is needed. Throws when
 * package.json cannot be read or lists none of the programs.
 */
export async function loadBinMap(repositoryRoot: string, fromSource = false): Promise<BinMap> {
  const packageFile = resolve(repositoryRoot, 'package.json');
  const manifest = JSON.parse(await readFile(packageFile, 'utf8')) as { bin?: Record<string, string> };
  const bins = new Map<string, string>();
  for (const name of plannerBinNames) {
    const file = manifest.bin?.[name];
    if (file === undefined) continue;
    const sourceFile = file.replace(/^(\.\/)?dist\/(.+)\.js$/, '$2.ts');
    bins.set(name, resolve(repositoryRoot, fromSource ? sourceFile : file));
  }
  if (bins.size === 0) {
    throw new Error(`${packageFile} has no bin entry for any of ${plannerBinNames.join(', ')}`);
  }
  return bins;
}

/** The host program run in place of a container: Node running `file` with `args`. */
export interface HostCommand {
  readonly bin: string;
  readonly file: string;
  readonly args: readonly string[];
}

/**
 * Returns the host command for a container whose entry point is one of the mapped programs, or
 * undefined when the container runs something else. The entry point is `command[0]` or, when the
 * command is empty, `args[0]` (an image whose ENTRYPOINT takes the program name). A command given
 * as a path (`/usr/local/bin/planner-backup`) matches by its base name.
 */
export function resolveHostCommand(container: V1Container, bins: BinMap): HostCommand | undefined {
  const command = container.command ?? [];
  const args = container.args ?? [];
  const argv = command.length > 0 ? [...command, ...args] : args;
  const entryPoint = argv[0];
  if (entryPoint === undefined) return undefined;

  const bin = basename(entryPoint);
  const file = bins.get(bin);
  if (file === undefined) return undefined;
  return { bin, file, args: argv.slice(1) };
}
