/**
 * Exit codes of kubectl-planner, for scripts:
 * 0 success; 1 the restore or backup ran and failed; 2 invalid usage; 3 an object was not found;
 * 4 the API server could not be reached or refused the request; 5 --wait timed out.
 */
export const ExitCode = {
  Success: 0,
  Failed: 1,
  Usage: 2,
  NotFound: 3,
  ApiError: 4,
  Timeout: 5,
} as const;

/** An error the CLI prints as `error: <message>` before exiting with its code. */
export class PluginError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode: number) {
    super(message);
    this.name = 'PluginError';
    this.exitCode = exitCode;
  }
}
