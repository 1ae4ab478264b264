import { createLogger, format, transports, type Logger } from 'winston';

/** The logging methods the agent calls; a winston Logger fits. */
export interface AgentLogger {
  debug(message: string, meta?: Record<string, unknown>): unknown;
  info(message: string, meta?: Record<string, unknown>): unknown;
  warn(message: string, meta?: Record<string, unknown>): unknown;
  error(message: string, meta?: Record<string, unknown>): unknown;
  /** Returns a logger that adds `meta` to every entry; used when present. */
  child?(meta: Record<string, unknown>): AgentLogger;
}

/** Creates a JSON logger that appends to `file` at the given level. */
export function createFileLogger(file: string, level = 'debug'): Logger {
  return createLogger({
    level,
    format: format.combine(format.timestamp(), format.json()),
    transports: [new transports.File({ filename: file })],
  });
}

/** Creates a readable logger on stderr for the command line. */
export function createConsoleLogger(level = 'info'): Logger {
  return createLogger({
    level,
    format: format.combine(format.timestamp(), format.colorize(), format.simple()),
    transports: [new transports.Console({ stderrLevels: ['error', 'warn', 'info', 'debug'] })],
  });
}
