#!/usr/bin/env node
import { existsSync, readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { Command, Option } from 'commander';
import { createOperator } from './manager.ts';
import { createLogger } from './runtime/logger.ts';
import { parseSettings, type OperatorSettings, type RawSettings } from './settings.ts';

/** Flags of planner-operator with their environment variables; flags win over the environment. */
const flags: { key: keyof RawSettings; flag: string; env?: string; help: string; default?: string }[] = [
  {
    key: 'namespaces',
    flag: '--namespaces <list>',
    env: 'PLANNER_NAMESPACES',
    help: 'comma-separated namespaces to watch; empty watches all',
    default: '',
  },
  {
    key: 'metricsBindAddress',
    flag: '--metrics-bind-address <address>',
    env: 'PLANNER_METRICS_BIND_ADDRESS',
    help: 'address of /metrics, as HOST:PORT or :PORT; 0 disables it',
    default: ':8080',
  },
  {
    key: 'healthProbeBindAddress',
    flag: '--health-probe-bind-address <address>',
    env: 'PLANNER_HEALTH_PROBE_BIND_ADDRESS',
    help: 'address of /healthz and /readyz; 0 disables them',
    default: ':8081',
  },
  {
    key: 'leaderElect',
    flag: '--leader-elect <bool>',
    env: 'PLANNER_LEADER_ELECT',
    help: 'elect a leader through a Lease so only one replica acts (true or false)',
    default: 'true',
  },
  {
    key: 'leaderElectionNamespace',
    flag: '--leader-election-namespace <namespace>',
    env: 'PLANNER_LEADER_ELECTION_NAMESPACE',
    help: "namespace of the leader Lease; default POD_NAMESPACE, the service account's namespace, or default",
  },
  {
    key: 'leaderElectionId',
    flag: '--leader-election-id <name>',
    env: 'PLANNER_LEADER_ELECTION_ID',
    help: 'name of the leader Lease',
    default: 'planner-operator',
  },
  {
    key: 'concurrency',
    flag: '--concurrency <n>',
    env: 'PLANNER_CONCURRENCY',
    help: 'reconciles running at once per controller (1 to 64)',
    default: '4',
  },
  {
    key: 'logLevel',
    flag: '--log-level <level>',
    env: 'LOG_LEVEL',
    help: 'error, warn, info or debug',
    default: 'info',
  },
  {
    key: 'logFormat',
    flag: '--log-format <format>',
    env: 'PLANNER_LOG_FORMAT',
    help: 'json or text; default json when NODE_ENV is production, else text',
  },
  {
    key: 'runnerImage',
    flag: '--runner-image <image>',
    env: 'PLANNER_RUNNER_IMAGE',
    help: 'image of the backup and restore Jobs',
  },
  {
    key: 'kubeconfig',
    flag: '--kubeconfig <path>',
    env: 'KUBECONFIG_PATH',
    help: 'kubeconfig file; default KUBECONFIG, ~/.kube/config or the in-cluster service account',
  },
];

const serviceAccountNamespaceFile = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

function defaultNamespace(): string {
  if (process.env.POD_NAMESPACE !== undefined && process.env.POD_NAMESPACE !== '') return process.env.POD_NAMESPACE;
  return existsSync(serviceAccountNamespaceFile) ? readFileSync(serviceAccountNamespaceFile, 'utf8').trim() : 'default';
}

/** Reads flags and environment into validated settings; exits with a message on bad input. */
function readSettings(argv: readonly string[]): OperatorSettings {
  const program = new Command('planner-operator')
    .description('Runs the planner operator: reconciles PlannerApps, PlannerBackups and PlannerRestores.')
    .helpOption('-h, --help', 'show this help')
    .showHelpAfterError();
  for (const item of flags) {
    const option = new Option(item.flag, item.help);
    if (item.env !== undefined) option.env(item.env);
    program.addOption(item.default === undefined ? option : option.default(item.default));
  }
  program.parse([...argv]);
  const options = program.opts<Record<string, string | undefined>>();
  const raw: RawSettings = {};
  const names: Record<string, string> = {};
  for (const item of flags) {
    raw[item.key] = options[item.key];
    const flag = item.flag.split(' ')[0] ?? item.key;
    names[item.key] = item.env === undefined ? flag : `${flag} / ${item.env}`;
  }
  raw.leaderElectionNamespace ??= defaultNamespace();
  raw.logFormat ??= process.env.NODE_ENV === 'production' ? 'json' : 'text';
  try {
    return parseSettings(raw, names);
  } catch (error) {
    process.stderr.write(`planner-operator: ${(error as Error).message}\n`);
    process.exit(2);
  }
}

function loadKubeConfig(settings: OperatorSettings): KubeConfig {
  const kubeConfig = new KubeConfig();
  if (settings.kubeconfig === undefined) kubeConfig.loadFromDefault();
  else kubeConfig.loadFromFile(settings.kubeconfig);
  return kubeConfig;
}

async function main(): Promise<void> {
  const settings = readSettings(process.argv);
  const logger = createLogger({ level: settings.logLevel, format: settings.logFormat });
  const manager = createOperator(settings, { kubeConfig: loadKubeConfig(settings), logger });
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info('Received signal; shutting down', { signal });
    manager.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('Shutdown failed', { err: String(error) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  logger.info('Starting planner-operator', { ...settings, kubeconfig: settings.kubeconfig ?? '(default)' });
  await manager.start();
}

main().catch((error: unknown) => {
  process.stderr.write(`planner-operator: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
