import winston from 'winston';

/**
 * Creates the runner's logger: one JSON object a line on stderr, which
 * `kubectl logs` of a backup Job shows and log collectors parse. Stdout is
 * kept for the command's own output (the result or the list of backups).
 */
export function createRunnerLogger(level: string): winston.Logger {
  return winston.createLogger({
    level,
    format: winston.format.combine(
      winston.format.timestamp(),
      winston.format.errors({ stack: false }),
      winston.format.json(),
    ),
    defaultMeta: { component: 'planner-backup' },
    transports: [new winston.transports.Console({ stderrLevels: Object.keys(winston.config.npm.levels) })],
  });
}
