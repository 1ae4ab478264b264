#!/usr/bin/env node
// Runs the local node agent as a process, for a person or the demo:
//   node test/agent/cli.ts --kubeconfig PATH --work-dir DIR [--node-name NAME]
//     [--namespaces a,b] [--env NAME=VALUE ...] [--programs a,b] [--from-source] [--log-level info]
// It stops on SIGINT or SIGTERM, killing its processes and removing its Node.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { KubeConfig } from '@kubernetes/client-node';
import { startNodeAgent } from './agent.ts';
import { describeError } from './errors.ts';
import { createConsoleLogger } from './logger.ts';

interface CliOptions {
  kubeconfig: string;
  workDir: string;
  nodeName: string;
  namespaces?: string;
  env: string[];
  logLevel: string;
  repositoryRoot: string;
  fromSource: boolean;
  programs?: string;
}

function collectVariable(value: string, previous: string[]): string[] {
  if (!/^[-._a-zA-Z][-._a-zA-Z0-9]*=/.test(value)) {
    throw new InvalidArgumentError(`expected NAME=VALUE, got "${value}"`);
  }
  return [...previous, value];
}

const program = new Command('planner-node-agent')
  .description('Test-only scheduler and kubelet: runs the pods of planner programs as host processes')
  .requiredOption('--kubeconfig <path>', 'kubeconfig of the control plane')
  .requiredOption('--work-dir <dir>', 'folder for claim volumes, container logs and pod scratch space')
  .option('--node-name <name>', 'name of the Node to register', 'planner-local')
  .option('--namespaces <list>', 'comma-separated namespaces to watch (default: all)')
  .option('--env <NAME=VALUE>', 'variable given to every process; repeatable', collectVariable, [])
  .option('--programs <list>', 'comma-separated programs to run as processes (default: all of them)')
  .option('--from-source', 'run the TypeScript sources instead of the dist/ build', false)
  .option('--log-level <level>', 'error, warn, info or debug', 'info')
  .option(
    '--repository-root <dir>',
    'checkout whose package.json bin map and dist/ build are run',
    fileURLToPath(new URL('../../', import.meta.url)),
  );
program.parse();
const options = program.opts<CliOptions>();

const kubeConfig = new KubeConfig();
kubeConfig.loadFromFile(resolve(options.kubeconfig));
const logger = createConsoleLogger(options.logLevel);
const environment = Object.fromEntries(
  options.env.map((entry) => {
    const equals = entry.indexOf('=');
    return [entry.slice(0, equals), entry.slice(equals + 1)];
  }),
);

const agent = await startNodeAgent({
  kubeConfig,
  repositoryRoot: resolve(options.repositoryRoot),
  workDir: resolve(options.workDir),
  nodeName: options.nodeName,
  namespaces: options.namespaces?.split(',').filter((namespace) => namespace !== ''),
  environment,
  logger,
  runFromSource: options.fromSource,
  programs: options.programs?.split(',').filter((name) => name !== ''),
});

let stopping = false;
const stop = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  logger.info('Stopping node agent', { signal });
  agent.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      logger.error('Node agent did not stop cleanly', { err: describeError(error) });
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
