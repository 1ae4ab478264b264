import { describe, expect, it } from '@jest/globals';
import type { PlannerApp, PlannerRestore } from '../../api/generated.ts';
import { backupRefStorage, buildRunnerJob } from './job.ts';

const app: PlannerApp = {
  apiVersion: 'planner.bbcagents.io/v1alpha1',
  kind: 'PlannerApp',
  metadata: { name: 'shop', namespace: 'prod', uid: 'a1' },
  spec: { workloadRef: { name: 'shop' }, database: { secretRef: { name: 'shop-db' } }, replicas: { min: 1, max: 2 } },
};

const restore: PlannerRestore = {
  apiVersion: 'planner.bbcagents.io/v1alpha1',
  kind: 'PlannerRestore',
  metadata: { name: 'undo', namespace: 'prod', uid: 'r1' },
  spec: { appRef: { name: 'shop' }, source: { backupRef: { name: 'nightly' } } },
} as PlannerRestore;

function jobFor(step: 'verify' | 'restore') {
  return buildRunnerJob({
    restore,
    app,
    step,
    backupId: 'nightly-202612040200',
    storage: backupRefStorage({ pvc: { claimName: 'backups', path: 'planner' } }, 'prod', 'nightly'),
    image: 'planner:1',
  });
}

function envNames(step: 'verify' | 'restore'): string[] {
  return (jobFor(step).spec?.template.spec?.containers[0]?.env ?? []).map((item) => item.name);
}

describe('restore runner Jobs', () => {
  it.each(['verify', 'restore'] as const)('cap the young generation in the %s Job', (step) => {
    const env = jobFor(step).spec?.template.spec?.containers[0]?.env ?? [];
    expect(env).toContainEqual({ name: 'NODE_OPTIONS', value: '--max-semi-space-size=1' });
  });

  it('give database credentials to the restore step only', () => {
    expect(envNames('verify').some((name) => name.startsWith('PG') || name === 'DATABASE_URL')).toBe(false);
    expect(envNames('restore').some((name) => name.startsWith('PG') || name === 'DATABASE_URL')).toBe(true);
  });
});
