import winston from 'winston';

/** Log output format: JSON lines for machines, or readable lines for a terminal. */
export type LogFormat = 'json' | 'text';

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  level: string;
  format: LogFormat;
  /** Fields added to every line. */
  defaultMeta?: Record<string, unknown>;
  /** Disables output (tests that only need a logger object). */
  silent?: boolean;
}

/** Creates the operator's root winston logger; components log through child loggers of it. */
export function createLogger(options: LoggerOptions): winston.Logger {
  const format =
    options.format === 'json'
      ? winston.format.combine(winston.format.timestamp(), winston.format.json())
      : winston.format.combine(
          winston.format.timestamp({ format: 'HH:mm:ss.SSS' }),
          winston.format.printf(({ timestamp, level, message, ...fields }) => {
            const rest = Object.keys(fields).length === 0 ? '' : ` ${JSON.stringify(fields)}`;
            return `${String(timestamp)} ${level.padEnd(5)} ${String(message)}${rest}`;
          }),
        );
  return winston.createLogger({
    level: options.level,
    format,
    defaultMeta: options.defaultMeta,
    silent: options.silent === true,
    transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn'] })],
  });
}
