#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { addBackupCommand } from './backup-command.ts';
import { addDeleteCommand } from './delete-command.ts';
import { exitCodes, RunnerError } from './errors.ts';
import { addListCommand, addPruneCommand, addVerifyCommand } from './maintenance-commands.ts';
import { addRestoreCommand } from './restore-command.ts';
import { runReportingCommand } from './run.ts';

function buildProgram(): Command {
  const program = new Command('planner-backup')
    .description('Back up, restore, verify and prune planner databases with pg_dump, on a volume or S3')
    .exitOverride()
    .showHelpAfterError();
  addBackupCommand(program);
  addRestoreCommand(program);
  addPruneCommand(program);
  addListCommand(program);
  addVerifyCommand(program);
  addDeleteCommand(program);
  return program;
}

/** Parses the command line and runs the command; commander usage errors exit with the InvalidConfiguration code. */
async function main(argv: readonly string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return;
      process.exitCode = exitCodes.InvalidConfiguration;
      const command = argv[2];
      if (
        command === 'backup' ||
        command === 'restore' ||
        command === 'prune' ||
        command === 'verify' ||
        command === 'delete'
      ) {
        await runReportingCommand(command, 'info', async () => {
          throw new RunnerError('InvalidConfiguration', error.message.replace(/^error: /, ''), {
            hint: 'run planner-backup ' + command + ' --help for the flags and their environment variables',
          });
        });
      }
      return;
    }
    throw error;
  }
}

await main(process.argv);
