// Runs every benchmark of docs/benchmarks.md one after another (`make bench`), or the ones named
// on the command line: `node bench/run.ts server backup`. Each benchmark prints its own figures;
// they take minutes each and need a quiet machine to be meaningful.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchmarks: Record<string, string> = {
  server: 'server/server-bench.ts',
  operator: 'operator/run.ts',
  backup: 'backup/run.ts',
};

const here = dirname(fileURLToPath(import.meta.url));
const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !(name in benchmarks));
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark ${unknown.join(', ')}; choose from ${Object.keys(benchmarks).join(', ')}\n`);
  process.exit(2);
}

let failed = 0;
for (const name of requested.length > 0 ? requested : Object.keys(benchmarks)) {
  process.stdout.write(`\n== ${name} benchmark ==\n`);
  const result = spawnSync(process.execPath, [join(here, benchmarks[name] as string)], { stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`${name} benchmark exited with code ${String(result.status)}\n`);
    failed += 1;
  }
}
process.exit(failed === 0 ? 0 : 1);
