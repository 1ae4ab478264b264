import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import winston from 'winston';
import { createOperator } from '../../operator/manager.ts';
import { TestClock } from '../../operator/runtime/clock.ts';
import type { Manager } from '../../operator/runtime/manager.ts';
import { parseSettings } from '../../operator/settings.ts';
import { runnerImage } from './cluster.ts';
import type { System } from './system.ts';

/**
 * The operator run in this process with a test clock, for the e2e test's scheduled backup: the
 * operator process cannot take a moved clock. It uses the same ServiceAccount kubeconfig, namespace,
 * lease and runner image as the operator process, which must be stopped first.
 */
export async function startClockOperator(
  system: System,
  start: Date,
): Promise<{ clock: TestClock; manager: Manager; stop(): Promise<void> }> {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(system.operator.kubeconfigPath);
  const settings = parseSettings(
    {
      namespaces: system.namespace,
      metricsBindAddress: '0',
      healthProbeBindAddress: '0',
      leaderElect: 'true',
      leaderElectionNamespace: system.namespace,
      leaderElectionId: 'planner-operator',
      concurrency: '4',
      logLevel: 'debug',
      logFormat: 'json',
      runnerImage,
    },
    {},
  );
  const logger = winston.createLogger({
    level: 'debug',
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    transports: [new winston.transports.File({ filename: join(system.logDir, 'operator-test-clock.log') })],
  });
  const clock = new TestClock(start);
  const manager = createOperator(settings, {
    kubeConfig,
    logger,
    clock,
    leaderElectionTimings: { leaseDurationMs: 4000, renewDeadlineMs: 3000, retryPeriodMs: 500 },
  });
  await manager.start();
  return {
    clock,
    manager,
    async stop() {
      await manager.stop();
      logger.close();
    },
  };
}
