import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Name and version of the server, read from the package.json above this module (in the sources or in dist/). */
export interface ServerInfo {
  readonly name: string;
  readonly version: string;
}

/** Walks up from this module's folder to the project's package.json and returns its name and version. */
export function readServerInfo(): ServerInfo {
  let folder = import.meta.dirname;
  for (let depth = 0; depth < 5; depth += 1) {
    const candidate = join(folder, 'package.json');
    if (existsSync(candidate)) {
      const manifest = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'planner') return { name: 'planner-server', version: manifest.version ?? '0.0.0' };
    }
    folder = dirname(folder);
  }
  return { name: 'planner-server', version: '0.0.0' };
}
