import { describe, expect, it } from '@jest/globals';
import type { PlannerApp, PlannerBackup } from '../../api/generated.ts';
import { buildRunnerJob, storageLocation } from './job.ts';

const app: PlannerApp = {
  metadata: { name: 'shop', namespace: 'prod' },
  spec: { workloadRef: { name: 'shop' }, database: { secretRef: { name: 'shop-db' } }, replicas: { min: 1, max: 2 } },
};

function backup(spec: Partial<PlannerBackup['spec']>): PlannerBackup {
  return {
    apiVersion: 'planner.bbcagents.io/v1alpha1',
    kind: 'PlannerBackup',
    metadata: { name: 'nightly', namespace: 'prod', uid: 'u1' },
    spec: { appRef: { name: 'shop' }, storage: { pvc: { claimName: 'backups', path: 'planner' } }, ...spec },
  };
}

function env(job: ReturnType<typeof buildRunnerJob>) {
  return job.spec?.template.spec?.containers[0]?.env ?? [];
}

describe('buildRunnerJob', () => {
  it('builds a backup Job on a PVC with job settings', () => {
    const job = buildRunnerJob({
      backup: backup({
        job: { image: 'own:1', activeDeadlineSeconds: 900, backoffLimit: 2, nodeSelector: { a: 'b' } },
      }),
      app,
      name: 'nightly-202612040200',
      command: 'backup',
      defaultImage: 'planner:1',
    });
    const pod = job.spec?.template.spec;
    expect(pod?.containers[0]?.image).toBe('own:1');
    expect(job.spec?.activeDeadlineSeconds).toBe(900);
    expect(job.spec?.backoffLimit).toBe(2);
    expect(pod?.nodeSelector).toEqual({ a: 'b' });
    expect(pod?.volumes).toEqual([{ name: 'backups', persistentVolumeClaim: { claimName: 'backups' } }]);
    expect(env(job)).toEqual(
      expect.arrayContaining([
        { name: 'PLANNER_STORAGE_PATH', value: '/backups/planner/prod/nightly' },
        { name: 'PLANNER_BACKUP_ID', value: 'nightly-202612040200' },
        { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'shop-db', key: 'password', optional: true } } },
      ]),
    );
    expect(env(job).every((item) => item.value === undefined || !item.name.startsWith('PG'))).toBe(true);
  });

  it('passes S3 settings and credentials by reference', () => {
    const s3 = { bucket: 'bk', prefix: 'p/', endpoint: 'http://127.0.0.1:9000', credentialsSecretRef: { name: 's3' } };
    const job = buildRunnerJob({
      backup: backup({ storage: { s3 } }),
      name: 'nightly-202612040200-prune',
      command: 'prune',
      defaultImage: 'planner:1',
    });
    expect(env(job)).toEqual(
      expect.arrayContaining([
        { name: 'PLANNER_S3_PREFIX', value: 'p/prod/nightly' },
        { name: 'PLANNER_S3_ENDPOINT', value: 'http://127.0.0.1:9000' },
        { name: 'PLANNER_KEEP_LAST', value: '7' },
        {
          name: 'AWS_ACCESS_KEY_ID',
          valueFrom: { secretKeyRef: { name: 's3', key: 'AWS_ACCESS_KEY_ID', optional: false } },
        },
      ]),
    );
    expect(job.spec?.template.spec?.volumes).toBeUndefined();
    expect(job.spec?.template.spec?.containers[0]?.args).toEqual(['prune']);
  });

  it('rejects a run without an image', () => {
    expect(() => buildRunnerJob({ backup: backup({}), app, name: 'x', command: 'backup', defaultImage: '' })).toThrow(
      /runner image/,
    );
  });
});

describe('storageLocation', () => {
  it.each([
    [{ pvc: { claimName: 'backups' } }, 'pvc://backups/prod/nightly'],
    [{ pvc: { claimName: 'backups', path: 'a/b' } }, 'pvc://backups/a/b/prod/nightly'],
    [{ s3: { bucket: 'bk', credentialsSecretRef: { name: 's' } } }, 's3://bk/prod/nightly'],
    [{ s3: { bucket: 'bk', prefix: 'x/', credentialsSecretRef: { name: 's' } } }, 's3://bk/x/prod/nightly'],
  ])('%j', (storage, location) => {
    expect(storageLocation(backup({ storage }))).toBe(location);
  });
});
