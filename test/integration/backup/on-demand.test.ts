import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { V1Job } from '@kubernetes/client-node';
import { resourceTypes } from '../../../operator/api/resources.ts';
import {
  createBackup,
  createDatabaseSecret,
  eventually,
  listBackupJobs,
  readBackup,
  startBackupEnvironment,
  storedBackupIds,
  type BackupEnvironment,
} from '../support/backup-fixtures.ts';
import { expectEvents } from '../support/events.ts';

describe('PlannerBackup on-demand runs', () => {
  let env: BackupEnvironment;

  beforeAll(async () => {
    env = await startBackupEnvironment('pbk-once');
  });

  afterAll(async () => {
    await env?.stop();
  });

  it('runs once and records a verified dump', async () => {
    await createBackup(env.client, env.namespace, 'once');
    const backup = await eventually(
      'PlannerBackup once Succeeded',
      () => readBackup(env.client, env.namespace, 'once'),
      (item) => item.status?.phase === 'Succeeded' || item.status?.phase === 'Failed',
      60_000,
    );
    expect(backup.status?.phase).toBe('Succeeded');
    const last = backup.status?.lastRun;
    expect(last?.result).toBe('Succeeded');
    expect(last?.backupId).toMatch(/^once-\d{12}$/);
    expect(last?.sha256).toMatch(/^[a-f0-9]{64}$/);
    expect(last?.size).toBeGreaterThan(0);
    expect(last?.serverVersion).toMatch(/^\d+/);
    expect(last?.location).toBe(`pvc://backups/${env.namespace}/once/${last?.backupId}.dump`);
    expect(backup.status?.consecutiveFailures).toBe(0);
    expect(backup.status?.lastSuccessfulTime).toBe(last?.completionTime);
    expect(backup.status?.backups?.map((item) => item.backupId)).toEqual([last?.backupId]);
    expect(backup.status?.activeRun).toBeUndefined();
    expect(backup.status?.observedGeneration).toBe(backup.metadata?.generation);
    expect(backup.status?.conditions?.find((item) => item.type === 'Ready')?.status).toBe('True');

    const folder = env.backupFolder('once');
    expect(await storedBackupIds(folder)).toEqual([last?.backupId]);
    const manifest = JSON.parse(await readFile(join(folder, `${last?.backupId}.manifest.json`), 'utf8')) as {
      sha256: string;
      tables: unknown;
    };
    expect(manifest.sha256).toBe(last?.sha256);
    await expectEvents(env.client, env.namespace, 'once', ['RunStarted', 'RunSucceeded', 'Pruned']);
  });

  it('builds the Job with a restricted security context and Secret references', async () => {
    const [name] = await listBackupJobs(env.client, env.namespace, 'once');
    const job = await env.client.get<V1Job>(resourceTypes.job, env.namespace, name ?? '');
    const pod = job.spec?.template.spec;
    const container = pod?.containers[0];
    expect(container?.command).toEqual(['planner-backup']);
    expect(container?.args).toEqual(['backup']);
    expect(pod?.restartPolicy).toBe('Never');
    expect(pod?.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container?.securityContext).toEqual({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    const databaseUrl = container?.env?.find((item) => item.name === 'DATABASE_URL');
    expect(databaseUrl?.value).toBeUndefined();
    expect(databaseUrl?.valueFrom?.secretKeyRef).toEqual({ name: 'db', key: 'url', optional: true });
    expect(JSON.stringify(job)).not.toContain(env.database.url);
    expect(container?.image).toBe('planner:test');
    expect(job.spec?.activeDeadlineSeconds).toBe(3600);
    expect(job.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'PlannerBackup', name: 'once' });
  });

  it('fails a run with a wrong password and counts failures', async () => {
    const badUrl = env.database.url.replace(/:\/\/([^:]+):[^@]*@/, '://$1:wrong-password@');
    await createDatabaseSecret(env.client, env.namespace, 'bad-db', badUrl);
    await env.client.patch(resourceTypes.plannerApp, env.namespace, 'web', {
      spec: { database: { secretRef: { name: 'bad-db' } } },
    });
    try {
      await createBackup(env.client, env.namespace, 'denied');
      const backup = await eventually(
        'PlannerBackup denied Failed',
        () => readBackup(env.client, env.namespace, 'denied'),
        (item) => item.status?.phase === 'Failed' || item.status?.phase === 'Succeeded',
        60_000,
      );
      expect(backup.status?.phase).toBe('Failed');
      expect(backup.status?.lastRun?.result).toBe('Failed');
      expect(backup.status?.lastRun?.message).toMatch(/ConnectionFailed/);
      expect(backup.status?.consecutiveFailures).toBe(1);
      expect(backup.status?.lastSuccessfulTime).toBeUndefined();
      expect(backup.status?.backups ?? []).toEqual([]);
      const ready = backup.status?.conditions?.find((item) => item.type === 'Ready');
      expect(ready).toMatchObject({ status: 'False', reason: 'RunFailed' });
      expect(await storedBackupIds(env.backupFolder('denied'))).toEqual([]);
      await expectEvents(env.client, env.namespace, 'denied', ['RunFailed']);
    } finally {
      await env.client.patch(resourceTypes.plannerApp, env.namespace, 'web', {
        spec: { database: { secretRef: { name: 'db' } } },
      });
    }
  });
});
