import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'winston';
import { createAppController } from './controllers/app/controller.ts';
import { BackupMetrics } from './controllers/backup/metrics.ts';
import { createBackupController } from './controllers/backup/controller.ts';
import { createRestoreController } from './controllers/restore/controller.ts';
import type { Clock } from './runtime/clock.ts';
import { Manager } from './runtime/manager.ts';
import type { OperatorSettings } from './settings.ts';

/** Collaborators of the operator that tests replace. */
export interface OperatorDependencies {
  kubeConfig: KubeConfig;
  logger: Logger;
  /** Default the system clock; tests inject a TestClock to move schedules forward. */
  clock?: Clock;
  /** Identity in the leader Lease; default host name plus a random suffix. */
  identity?: string;
  /** Leader election timings in milliseconds; tests shorten them. */
  leaderElectionTimings?: { leaseDurationMs: number; renewDeadlineMs: number; retryPeriodMs: number };
}

/**
 * Builds the operator's manager from the settings and registers every controller, as the
 * operator's composition root. To add a controller, write a factory returning a
 * ControllerDefinition (see runtime/controller.ts) and add one `manager.register(...)` line below.
 */
export function createOperator(settings: OperatorSettings, dependencies: OperatorDependencies): Manager {
  const manager = new Manager({
    kubeConfig: dependencies.kubeConfig,
    logger: dependencies.logger,
    clock: dependencies.clock,
    identity: dependencies.identity,
    namespaces: settings.namespaces,
    concurrency: settings.concurrency,
    metricsAddress: settings.metricsBindAddress,
    healthAddress: settings.healthProbeBindAddress,
    processMetrics: true,
    leaderElection: {
      enabled: settings.leaderElect,
      namespace: settings.leaderElectionNamespace,
      id: settings.leaderElectionId,
      ...dependencies.leaderElectionTimings,
    },
  });
  manager.register(createAppController());
  manager.register(
    createBackupController({ runnerImage: settings.runnerImage, metrics: new BackupMetrics(manager.metrics.registry) }),
  );
  manager.register(createRestoreController({ runnerImage: settings.runnerImage }));
  return manager;
}
