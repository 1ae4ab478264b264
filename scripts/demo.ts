#!/usr/bin/env node
// `make demo`: the whole planner system end to end on loopback. It starts PostgreSQL, the control
// plane and the node agent, installs the chart, fills the planner, takes a backup, deletes a project,
// restores it with `kubectl planner restore`, and proves the rows are back. KEEP=1 leaves it running.
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { chmod, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mainFlow, runStep, type StepOutcome } from '../test/system/flow.ts';
import type { FlowState, Reporter } from '../test/system/steps.ts';
import { formatBytes } from '../test/system/steps-backup.ts';
import { names, release, startSystem, type System } from '../test/system/system.ts';
import { kubeTools } from '../test/system/cluster.ts';

const keep = process.env.KEEP === '1';
const number = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const size = {
  projects: number('DEMO_PROJECTS', 40),
  tasks: number('DEMO_TASKS', 2500),
  events: number('DEMO_EVENTS', 600),
  commands: number('DEMO_COMMANDS', 300),
};
const logDir = join(tmpdir(), `planner-demo-${new Date().toISOString().replace(/[:.]/g, '-')}`);
await mkdir(logDir, { recursive: true });

const tty = process.stdout.isTTY;
let pendingProgress = false;
const clearProgress = (): void => {
  if (pendingProgress && tty) process.stdout.write('\r\x1b[2K');
  pendingProgress = false;
};
const reporter: Reporter = {
  line(text) {
    clearProgress();
    process.stdout.write(`   ${text}\n`);
  },
  progress(text) {
    if (!tty) return;
    clearProgress();
    process.stdout.write(`   ${text}`);
    pendingProgress = true;
  },
};
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

process.stdout.write(`planner demo. Debug logs of every process go to ${logDir}\n\n`);
const started = Date.now();
const outcomes: StepOutcome[] = [];
let system: System | undefined;
let failed = false;
try {
  process.stdout.write('1. Start PostgreSQL, the control plane, the node agent; install the chart\n');
  system = await startSystem({
    source: { kind: 'own' },
    logDir,
    onProgress: (message) => reporter.line(message),
  });
  reporter.line(
    `namespace ${system.namespace}; server at ${system.server.baseUrl}; operator metrics at ${system.operator.metricsUrl}`,
  );
  const state: FlowState = { size };
  for (const [index, step] of mainFlow.entries()) {
    process.stdout.write(`\n${index + 2}. ${step.title}\n`);
    const outcome = await runStep(step, system, state, reporter);
    clearProgress();
    reporter.line(`done in ${seconds(outcome.durationMs)}`);
    outcomes.push(outcome);
  }
  printSummary(system, state);
} catch (error) {
  failed = true;
  clearProgress();
  process.stderr.write(`\nFAILED: ${error instanceof Error ? error.message : String(error)}\n`);
  process.stderr.write(`Logs of every process are in ${logDir} (agent/, server.log, operator.log)\n`);
}

if (keep && system !== undefined) {
  const { kubectl } = kubeTools(system.kubeconfigPath);
  const binDir = await writePluginWrapper(join(logDir, 'bin'));
  process.stdout.write(
    [
      '',
      'KEEP=1: everything keeps running. In another shell:',
      `  export KUBECONFIG=${system.kubeconfigPath}`,
      `  export PATH=${binDir}:${dirname(kubectl)}:$PATH   # kubectl, helm and kubectl-planner`,
      `  kubectl -n ${system.namespace} get planner,hpa,jobs,pods`,
      `  kubectl planner status ${names.app} -n ${system.namespace}`,
      `  kubectl planner backups ${names.app} -n ${system.namespace}`,
      `  curl ${system.server.baseUrl}/ready`,
      'Press Ctrl-C here to stop it and remove its data.',
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
if (system !== undefined) {
  process.stdout.write('\nTearing down...\n');
  await system.stop();
}
process.exit(failed ? 1 : 0);

function printSummary(running: System, state: FlowState): void {
  const byName = new Map(outcomes.map((outcome) => [outcome.name, outcome]));
  const before = state.before;
  const lines = [
    '',
    'Summary',
    `  chart            helm release "${release}" in namespace ${running.namespace}, external PostgreSQL database ${running.database.name}`,
    `  start-up         ${Object.entries(running.timings)
      .map(([label, ms]) => `${label} ${seconds(ms)}`)
      .join('; ')}`,
    `  data             ${before?.projects} projects, ${before?.tasks} tasks, ${before?.events} events (${state.seed?.commands} through commands) in ${seconds(byName.get('fill')?.durationMs ?? 0)}`,
    `  backup           ${state.backup?.backupId}: ${formatBytes(state.backup?.size ?? 0)} in ${state.backup?.durationSeconds} s (step ${seconds(byName.get('backup')?.durationMs ?? 0)})`,
    `  deleted          project "${state.deleted?.name}" with ${state.deleted?.tasks} tasks`,
    `  restore          ${seconds(byName.get('restore')?.durationMs ?? 0)}; the local server process stopped while the app was at zero replicas`,
    `  verified         counts match and the deleted project is back`,
    `  total            ${seconds(Date.now() - started)}`,
    `  logs             ${logDir}`,
    `  next             docs/operations.md (running it for real), charts/planner/README.md (values)${keep ? '' : ', KEEP=1 make demo to explore'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/**
 * Writes a `kubectl-planner` script that runs this checkout's plugin with the Node.js running the
 * demo (the pinned 24), so `kubectl planner` works from any shell, whatever its own node is.
 */
async function writePluginWrapper(binDir: string): Promise<string> {
  const plugin = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'plugin', 'cli.js');
  await mkdir(binDir, { recursive: true });
  const wrapper = join(binDir, 'kubectl-planner');
  await writeFile(wrapper, `#!/bin/sh\nexec '${process.execPath}' '${plugin}' "$@"\n`);
  await chmod(wrapper, 0o755);
  return binDir;
}
