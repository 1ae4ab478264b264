import { Command, InvalidArgumentError, Option } from 'commander';
import { backupNow } from './commands/backup-now.ts';
import { listBackups } from './commands/backups.ts';
import { startRestore } from './commands/restore.ts';
import { showStatus } from './commands/status.ts';
import { ExitCode } from './errors.ts';
import type { OutputFormat } from './format.ts';
import { explainApiError, openSession, type GlobalOptions } from './kube.ts';

/** Where the program writes; tests capture it. */
export interface ProgramIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const exitCodeHelp = `
Exit codes:
  0  success
  1  the restore or backup ran and failed
  2  invalid usage or kubeconfig
  3  the app, PlannerBackup or other object was not found
  4  the API server could not be reached or refused the request
  5  --wait timed out (the restore or backup keeps running)`;

function seconds(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1)
    throw new InvalidArgumentError('expected a whole number of seconds of 1 or more');
  return value;
}

function outputOption(): Option {
  return new Option('-o, --output <format>', 'output format').choices(['table', 'json', 'yaml']).default('table');
}

/**
 * Builds the kubectl-planner program: `backups`, `backup now`, `restore` and `status`, with
 * kubectl's -n/--namespace, --kubeconfig and --context flags. Actions run through `run`, which
 * maps errors to exit codes.
 */
export function buildProgram(io: ProgramIo, run: (action: () => Promise<void>) => Promise<void>): Command {
  const program = new Command('kubectl-planner')
    .description('Back up, restore and inspect planner apps (use as "kubectl planner").')
    .option('-n, --namespace <name>', 'namespace of the objects; default the kubeconfig context namespace')
    .option('--kubeconfig <path>', 'kubeconfig file; default KUBECONFIG or ~/.kube/config')
    .option('--context <name>', 'kubeconfig context to use; default the current context')
    .addHelpText('after', exitCodeHelp)
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride()
    .showHelpAfterError('(add --help for usage)');
  const globals = (): GlobalOptions => program.opts<GlobalOptions>();

  program
    .command('backups')
    .description('List stored backups with id, age, size, duration and status, from PlannerBackup statuses.')
    .argument('[app]', 'only the backups of this PlannerApp')
    .addOption(outputOption())
    .action((app: string | undefined, options: { output: OutputFormat }) =>
      run(async () => io.out(`${await listBackups(openSession(globals()), app, options.output)}\n`)),
    );

  program
    .command('backup')
    .description('Act on a PlannerBackup.')
    .command('now')
    .description('Start an immediate run of a PlannerBackup by setting its run-now annotation.')
    .argument('<backup>', 'name of the PlannerBackup')
    .option('--wait', 'wait until the run has finished; exit 1 when it failed', false)
    .option('--timeout <seconds>', 'longest wait with --wait', seconds, 3600)
    .action((backup: string, options: { wait: boolean; timeout: number }) =>
      run(() =>
        backupNow(openSession(globals()), backup, {
          wait: options.wait,
          timeoutSeconds: options.timeout,
          log: (line) => io.out(`${line}\n`),
        }),
      ),
    );

  program
    .command('restore')
    .description("Restore an app's database from a backup by creating a PlannerRestore.")
    .argument('<app>', 'name of the PlannerApp to restore into')
    .requiredOption(
      '--from <backup[/id]>',
      'PlannerBackup name, optionally with a backup id; default its newest successful backup',
    )
    .option('--wait', 'show the phases until the restore ends; exit 1 when it failed', false)
    .option('--no-safety-backup', 'skip the backup of the current database taken before restoring')
    .option('--no-quiesce', 'keep the app running during the restore (requests may see a half-restored database)')
    .option('--name <name>', 'name of the PlannerRestore; default <app>-restore-<UTC time>')
    .option('--timeout <seconds>', 'longest wait with --wait', seconds, 3600)
    .action(
      (
        app: string,
        options: {
          from: string;
          wait: boolean;
          safetyBackup: boolean;
          quiesce: boolean;
          name?: string;
          timeout: number;
        },
      ) =>
        run(async () => {
          await startRestore(openSession(globals()), app, {
            ...options,
            timeoutSeconds: options.timeout,
            log: (line) => io.out(`${line}\n`),
          });
        }),
    );

  program
    .command('status')
    .description('Show replicas, schedules, the last backup and any restore in progress, per app.')
    .argument('[app]', 'only this PlannerApp')
    .addOption(outputOption())
    .action((app: string | undefined, options: { output: OutputFormat }) =>
      run(async () => io.out(`${await showStatus(openSession(globals()), app, options.output)}\n`)),
    );
  return program;
}

/** Runs the program with argv (without node and script) and returns the exit code. */
export async function runProgram(argv: readonly string[], io: ProgramIo): Promise<number> {
  let exitCode: number = ExitCode.Success;
  const run = async (action: () => Promise<void>) => {
    try {
      await action();
    } catch (error) {
      const explained = explainApiError(error, 'talk to the API server');
      io.err(`error: ${explained.message}\n`);
      exitCode =
        'exitCode' in explained && typeof explained.exitCode === 'number' ? explained.exitCode : ExitCode.ApiError;
    }
  };
  const program = buildProgram(io, run);
  for (const command of program.commands)
    command.exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    const code = (error as { code?: string; exitCode?: number }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help')
      return ExitCode.Success;
    return ExitCode.Usage;
  }
  return exitCode;
}
