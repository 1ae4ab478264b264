import type winston from 'winston';
import { RunnerError } from './errors.ts';
import { createRunnerLogger } from './logger.ts';
import {
  defaultTerminationMessagePath,
  failureFields,
  serializeResult,
  writeTerminationMessage,
  type RunResult,
} from './result.ts';

/** Commands that report a {@link RunResult}. */
export type ReportingCommand = RunResult['command'];

/** The body of a command: returns the fields of its result, or throws RunnerError. */
export type CommandBody = (logger: winston.Logger, signal: AbortSignal) => Promise<Record<string, unknown>>;

const titles: Readonly<Record<ReportingCommand, string>> = {
  backup: 'Backup',
  restore: 'Restore',
  prune: 'Prune',
  verify: 'Verify',
  delete: 'Delete',
};

/**
 * Runs a command body and reports its outcome three ways: the exit code, a
 * JSON line on stdout, and the termination message file (env
 * PLANNER_TERMINATION_MESSAGE_PATH, else /dev/termination-log). SIGTERM and
 * SIGINT abort the body through its signal so it can clean up. Returns the exit code.
 */
export async function runReportingCommand(
  command: ReportingCommand,
  logLevel: string,
  body: CommandBody,
): Promise<number> {
  const logger = createRunnerLogger(logLevel);
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    logger.warn('Signal received; stopping and cleaning up', { signal: name });
    controller.abort();
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);

  const startedAt = new Date();
  let fields: Record<string, unknown>;
  try {
    fields = { status: 'Succeeded', exitCode: 0, ...(await body(logger, controller.signal)) };
  } catch (error) {
    const failure =
      error instanceof RunnerError
        ? error
        : new RunnerError(
            'InternalError',
            `unexpected error: ${error instanceof Error ? error.message : String(error)}`,
            {
              hint: 'this is a bug in planner-backup; report it with the log of this run',
              cause: error,
            },
          );
    fields = {
      ...failure.details,
      ...(error instanceof RunnerError ? {} : { stack: (error as Error)?.stack?.split('\n').slice(0, 4).join('\n') }),
      ...failureFields(failure.reason, failure.message, failure.hint),
    };
    if (failure.reason === 'InternalError') logger.error('Unexpected error', { err: (error as Error)?.stack });
  } finally {
    process.removeListener('SIGTERM', onSignal);
    process.removeListener('SIGINT', onSignal);
  }

  const completedAt = new Date();
  const result: RunResult = {
    version: 1,
    command,
    ...(fields as Pick<RunResult, 'status' | 'exitCode'>),
    ...fields,
    startedAt: startedAt.toISOString(),
    completedAt: completedAt.toISOString(),
    durationSeconds: Math.round((completedAt.getTime() - startedAt.getTime()) / 100) / 10,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
  if (result.status === 'Succeeded') logger.info(`${titles[command]} succeeded`, { result });
  else logger.error(`${titles[command]} failed`, { reason: result.reason, failure: result.message, hint: result.hint });

  const path = process.env.PLANNER_TERMINATION_MESSAGE_PATH || defaultTerminationMessagePath;
  const writeError = await writeTerminationMessage(path, result);
  if (writeError !== undefined)
    logger.warn('Writing the termination message failed', { path, err: writeError.message });
  process.stdout.write(`${serializeResult(result, Number.MAX_SAFE_INTEGER)}\n`);
  return result.exitCode;
}
