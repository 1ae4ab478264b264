import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { repositoryRoot } from '../../harness/paths.ts';
import { chartDirectory, podSpecOf, renderChart, workloadKinds } from './chart.ts';

// No container engine runs on the development machine, so the image cannot be built here. These tests
// check the Dockerfile's stages and settings instead. They also check that every program the chart
// starts is a package.json bin built into dist/ (run `npm run build` first). Finally, the built programs
// must import only production dependencies, because the image keeps nothing else after `npm prune`.

interface Instruction {
  keyword: string;
  argument: string;
}

interface Stage {
  image: string;
  name: string;
  instructions: Instruction[];
}

/** Splits a Dockerfile into stages of instructions, joining continuation lines and dropping comments. */
function parseDockerfile(text: string): { args: Map<string, string>; stages: Stage[] } {
  const lines: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    if (/^\s*#/.test(raw)) continue;
    if (raw.endsWith('\\')) {
      current += raw.slice(0, -1) + ' ';
      continue;
    }
    current += raw;
    if (current.trim() !== '') lines.push(current.trim());
    current = '';
  }
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const line of lines) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const argument = rest.join(' ');
    if (keyword.toUpperCase() === 'FROM') {
      const match = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(argument);
      if (match === null) throw new Error(`cannot parse FROM ${argument}`);
      stages.push({ image: match[1] ?? '', name: match[2] ?? '', instructions: [] });
    } else if (stages.length === 0 && keyword.toUpperCase() === 'ARG') {
      const [name = '', value = ''] = argument.split('=');
      args.set(name, value);
    } else {
      stages.at(-1)?.instructions.push({ keyword: keyword.toUpperCase(), argument });
    }
  }
  return { args, stages };
}

function expand(text: string, args: Map<string, string>): string {
  return text.replace(/\$\{(\w+)\}/g, (_match, name: string) => args.get(name) ?? `\${${name}}`);
}

async function readPackage(): Promise<{
  bin: Record<string, string>;
  dependencies: Record<string, string>;
}> {
  return JSON.parse(await readFile(join(repositoryRoot, 'package.json'), 'utf8')) as {
    bin: Record<string, string>;
    dependencies: Record<string, string>;
  };
}

/** Collects the programs the chart starts: every container command, plus the runner and the plugin. */
async function chartPrograms(): Promise<string[]> {
  const objects = await renderChart({ releaseName: 'image' });
  const programs = new Set<string>();
  for (const object of objects.filter((candidate) => workloadKinds.has(candidate.kind))) {
    const spec = podSpecOf(object) as {
      containers: { image: string; command?: string[] }[];
      initContainers?: { image: string; command?: string[] }[];
    };
    for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
      if (!container.image.startsWith('bbcagents/planner')) continue;
      const program = container.command?.[0];
      if (program !== undefined) programs.add(program);
    }
  }
  // The operator starts backup and restore Jobs with planner-backup from the same image (--runner-image),
  // and the commands in NOTES.txt run kubectl-planner.
  programs.add('planner-backup');
  programs.add('kubectl-planner');
  return [...programs].sort();
}

const importPattern = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;

/** Follows relative imports from a built file and returns every package specifier it reaches. */
async function collectPackageImports(entry: string): Promise<Map<string, string>> {
  const packages = new Map<string, string>();
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop() ?? '';
    if (seen.has(file)) continue;
    seen.add(file);
    const source = await readFile(file, 'utf8');
    for (const match of source.matchAll(importPattern)) {
      const specifier = match[1] ?? match[2] ?? '';
      if (specifier.startsWith('.')) {
        const target = resolve(dirname(file), specifier);
        if (!existsSync(target)) throw new Error(`${file} imports ${specifier}, which is missing from dist/`);
        queue.push(target);
      } else if (!specifier.startsWith('node:') && !builtinModules.includes(specifier)) {
        const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
        packages.set(name ?? specifier, file);
      }
    }
  }
  return packages;
}

describe('Dockerfile', () => {
  it('builds with Node 24 and runs as a non-root user', async () => {
    const { args, stages } = parseDockerfile(await readFile(join(repositoryRoot, 'Dockerfile'), 'utf8'));
    const nodeMajor = (await readFile(join(repositoryRoot, '.nvmrc'), 'utf8')).trim();
    expect(stages.map((stage) => stage.name)).toEqual(['build', 'runtime']);
    for (const stage of stages) expect(expand(stage.image, args)).toMatch(new RegExp(`^node:${nodeMajor}-alpine`));

    const [build, runtime] = stages as [Stage, Stage];
    const buildRuns = build.instructions
      .filter((instruction) => instruction.keyword === 'RUN')
      .map((run) => run.argument);
    expect(buildRuns.join('\n')).toMatch(/npm ci\b/);
    expect(buildRuns.join('\n')).toMatch(/npm run build\b/);
    expect(buildRuns.join('\n')).toMatch(/npm prune --omit=dev\b/);

    const copies = runtime.instructions
      .filter((instruction) => instruction.keyword === 'COPY')
      .map((copy) => copy.argument);
    expect(copies).toEqual(
      expect.arrayContaining([
        '--from=build /app/package.json ./package.json',
        '--from=build /app/node_modules ./node_modules',
        '--from=build /app/dist ./dist',
      ]),
    );
    const user = runtime.instructions.filter((instruction) => instruction.keyword === 'USER').at(-1)?.argument ?? '';
    expect(user).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    const values = parse(await readFile(join(chartDirectory, 'values.yaml'), 'utf8')) as {
      server: { podSecurityContext: { runAsUser: number } };
    };
    expect(user.split(':')[0]).toBe(String(values.server.podSecurityContext.runAsUser));
  });

  it('ships a pg_dump that can dump the chart PostgreSQL', async () => {
    const { args, stages } = parseDockerfile(await readFile(join(repositoryRoot, 'Dockerfile'), 'utf8'));
    const clientMajor = Number(args.get('PG_CLIENT_MAJOR'));
    const runtimeRuns = (stages[1]?.instructions ?? []).filter((instruction) => instruction.keyword === 'RUN');
    expect(runtimeRuns.some((run) => run.argument.includes('"postgresql${PG_CLIENT_MAJOR}-client"'))).toBe(true);
    for (const tool of ['pg_dump', 'pg_restore', 'psql', 'pg_isready']) {
      expect(runtimeRuns.some((run) => run.argument.includes(`${tool} --version`))).toBe(true);
    }
    const values = parse(await readFile(join(chartDirectory, 'values.yaml'), 'utf8')) as {
      postgresql: { image: { tag: string } };
    };
    const serverMajor = Number.parseInt(values.postgresql.image.tag, 10);
    // pg_dump refuses to dump a server of a newer major version than its own.
    expect(clientMajor).toBeGreaterThanOrEqual(serverMajor);
  });

  it('keeps the build context small', async () => {
    const ignore = (await readFile(join(repositoryRoot, '.dockerignore'), 'utf8')).split('\n');
    expect(ignore).toContain('*');
    const copied = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];
    for (const file of copied) expect(ignore).toContain(`!${file}`);
    for (const folder of ['server', 'operator', 'plugin']) expect(ignore).toContain(`!${folder}/`);
  });
});

describe('entry points', () => {
  it('builds every program the chart starts', async () => {
    const { bin } = await readPackage();
    const programs = await chartPrograms();
    // The node:alpine base image provides sh (the migration Job's wait for PostgreSQL) and node (the
    // helm test pod). Every other program must be one of planner's.
    expect(programs).toEqual(['kubectl-planner', 'node', 'planner-backup', 'planner-operator', 'planner-server', 'sh']);
    const problems: string[] = [];
    for (const program of programs.filter((name) => name !== 'sh' && name !== 'node')) {
      const target = bin[program];
      if (target === undefined) {
        problems.push(`${program} is not in package.json "bin"`);
        continue;
      }
      const file = join(repositoryRoot, target);
      if (!existsSync(file)) {
        problems.push(`${program}: ${target} is missing; run npm run build, or build the source it comes from`);
        continue;
      }
      const firstLine = (await readFile(file, 'utf8')).split('\n')[0];
      if (firstLine !== '#!/usr/bin/env node')
        problems.push(`${program}: ${target} starts with ${firstLine}, not a node shebang`);
    }
    expect(problems).toEqual([]);
  });

  it('imports only production dependencies', async () => {
    const { bin, dependencies } = await readPackage();
    const problems: string[] = [];
    for (const [program, target] of Object.entries(bin)) {
      const file = join(repositoryRoot, target);
      if (!existsSync(file)) {
        problems.push(`${program}: ${target} is missing; run npm run build`);
        continue;
      }
      const imports = await collectPackageImports(file);
      if (imports.size === 0)
        problems.push(`${program}: found no package imports in ${target}; the import scan is broken`);
      for (const [name, importer] of imports) {
        if (dependencies[name] === undefined) {
          problems.push(`${program} imports ${name} (in ${importer}), which npm prune --omit=dev removes`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
