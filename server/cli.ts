#!/usr/bin/env node
import { Command, Option } from 'commander';
import { ConfigError, describeConnection, loadConfig, type Config } from './config.ts';
import { createDatabase } from './db/database.ts';
import { migrateToLatest, readSchemaStatus, rollbackMigrations } from './db/migrations.ts';
import { createLogger, type Logger } from './logger.ts';
import { startServer } from './server.ts';
import { readServerInfo } from './version.ts';

function configOrExit(purpose: 'serve' | 'migrate'): Config {
  try {
    return loadConfig(process.env, { requireTokenSecret: purpose === 'serve' });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`planner-server: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

async function serve(): Promise<void> {
  const config = configOrExit('serve');
  const logger = createLogger(config);
  process.on('unhandledRejection', (reason) => logger.error('Unhandled promise rejection', { err: reason }));
  process.on('uncaughtException', (error) => {
    logger.error('Uncaught exception; exiting', { err: error });
    process.exitCode = 1;
    setTimeout(() => process.exit(1), 100).unref();
  });

  const running = await startServer(config, logger);
  const stop = (signal: NodeJS.Signals): void => {
    void running.shutdown(signal).then((clean) => process.exit(clean ? 0 : 1));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

async function migrate(action: string, logger: Logger): Promise<void> {
  const config = configOrExit('migrate');
  // The advisory lock holds one connection while Knex migrates on another.
  const database = createDatabase({ ...config, readDatabase: undefined, databasePoolMax: 2 });
  const target = describeConnection(config.database);
  try {
    if (action === 'status') {
      const status = await readSchemaStatus(database.writer);
      process.stdout.write(`${JSON.stringify({ database: target, ...status }, null, 2)}\n`);
      return;
    }
    if (action === 'latest') {
      const applied = await migrateToLatest(database.writer);
      logger.info(applied.length === 0 ? 'Schema already current' : 'Migrations applied', {
        database: target,
        applied,
      });
      return;
    }
    const reverted = await rollbackMigrations(database.writer, action === 'rollback-all');
    logger.info('Migrations rolled back', { database: target, reverted });
  } finally {
    await database.destroy();
  }
}

const program = new Command('planner-server').description('The planner API server').version(readServerInfo().version);

program
  .command('serve', { isDefault: true })
  .description('serve the HTTP API (configured by environment variables; see docs/server.md)')
  .action(serve);

program
  .command('migrate')
  .description('apply pending database migrations; safe to run from several replicas at once')
  .addOption(
    new Option(
      '--action <action>',
      'latest applies pending migrations, status prints them, rollback reverts the last batch, rollback-all reverts everything',
    )
      .choices(['latest', 'status', 'rollback', 'rollback-all'])
      .default('latest'),
  )
  .action(async (options: { action: string }) => {
    const config = configOrExit('migrate');
    const logger = createLogger(config);
    try {
      await migrate(options.action, logger);
    } catch (error) {
      logger.error('Migration failed', { err: error, database: describeConnection(config.database) });
      process.exitCode = 1;
    }
  });

await program.parseAsync(process.argv);
