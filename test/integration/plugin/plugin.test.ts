import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { PlannerBackup } from '../../../operator/api/generated.ts';
import { plannerApiVersion, resourceTypes } from '../../../operator/api/resources.ts';
import { testKubeconfigPath } from '../../harness/context.ts';
import { repositoryRoot } from '../../harness/paths.ts';
import {
  backupClaim,
  countTasks,
  createRestore,
  eventually,
  seedTasks,
  sql,
  startRestoreEnvironment,
  takeBackup,
  type RestoreEnvironment,
} from '../support/restore-fixtures.ts';

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function kubectlPlanner(args: readonly string[], namespace: string): Promise<CliRun> {
  const child = spawn(
    process.execPath,
    [join(repositoryRoot, 'plugin', 'cli.ts'), '--kubeconfig', testKubeconfigPath(), '-n', namespace, ...args],
    { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

describe('kubectl planner', () => {
  let env: RestoreEnvironment;
  let manifest: { sha256: string; size: number };

  beforeAll(async () => {
    env = await startRestoreEnvironment('plugin');
    await seedTasks(env.database.url, 50);
    const folder = join(env.agent.hostPathForClaim(env.namespace, backupClaim), env.namespace, 'nightly');
    manifest = await takeBackup(env.database.url, folder, 'web-plugin');
    // A suspended schedule far away keeps the backup controller from running this PlannerBackup itself.
    const created = await env.client.create<PlannerBackup>(resourceTypes.plannerBackup, env.namespace, {
      apiVersion: plannerApiVersion,
      kind: 'PlannerBackup',
      metadata: { name: 'nightly', namespace: env.namespace },
      spec: {
        appRef: { name: 'web' },
        schedule: '0 3 1 1 *',
        suspend: true,
        storage: { pvc: { claimName: backupClaim } },
      },
    });
    const record = {
      backupId: 'web-plugin',
      result: 'Succeeded' as const,
      size: manifest.size,
      sha256: manifest.sha256,
      startTime: new Date(Date.now() - 3_000).toISOString(),
      completionTime: new Date().toISOString(),
      durationSeconds: 2.5,
    };
    // The backup controller writes its own status first; the record goes in after it, as a merge patch.
    await eventually(
      'PlannerBackup nightly with a status from the backup controller',
      () => env.client.get<PlannerBackup>(resourceTypes.plannerBackup, env.namespace, 'nightly'),
      (backup) => backup.status?.phase !== undefined,
      10_000,
    ).catch(() => undefined);
    await env.client.patch(
      resourceTypes.plannerBackup,
      env.namespace,
      created.metadata?.name ?? '',
      { status: { backups: [record], lastRun: record } },
      'status',
    );
  }, 60_000);

  afterAll(async () => {
    await env?.stop();
  });

  it('lists backups as a table and as JSON', async () => {
    const table = await kubectlPlanner(['backups', 'web'], env.namespace);
    expect(table.stderr).toBe('');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^APP\s+BACKUP\s+ID\s+AGE\s+SIZE\s+DURATION\s+STATUS/);
    expect(table.stdout).toMatch(/web\s+nightly\s+web-plugin\s+\d+s\s+\S+B\s+3s\s+Succeeded/);

    const json = await kubectlPlanner(['backups', '-o', 'json'], env.namespace);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([
      expect.objectContaining({ app: 'web', plannerBackup: 'nightly', id: 'web-plugin', size: manifest.size }),
    ]);
  });

  it('shows the status of an app', async () => {
    const run = await kubectlPlanner(['status', 'web', '-o', 'yaml'], env.namespace);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('app: web');
    expect(run.stdout).toContain('id: web-plugin');
    const table = await kubectlPlanner(['status'], env.namespace);
    expect(table.stdout).toMatch(/web\s+Active\s+\d+\s+2-4\s+-\s+web-plugin/);
  });

  it('sets the run-now annotation', async () => {
    const run = await kubectlPlanner(['backup', 'now', 'nightly'], env.namespace);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Backup of PlannerBackup nightly requested');
    const backup = await env.client.get<PlannerBackup>(resourceTypes.plannerBackup, env.namespace, 'nightly');
    const value = backup.metadata?.annotations?.['planner.bbcagents.io/run-now'];
    expect(Number.isNaN(Date.parse(value ?? ''))).toBe(false);
  });

  it.each([
    [['backups', 'missing'], 3, 'PlannerApp "missing" not found'],
    [['status', 'missing'], 3, 'PlannerApp "missing" not found'],
    [['backup', 'now', 'missing'], 3, 'PlannerBackup "missing" not found'],
    [['restore', 'missing', '--from', 'nightly'], 3, 'PlannerApp "missing" not found'],
    [['restore', 'web', '--from', 'missing/x'], 3, 'PlannerBackup "missing" not found'],
    [['restore', 'web', '--from', 'a/b/c'], 2, 'expected BACKUP or BACKUP/ID'],
    [['restore', 'web'], 2, "required option '--from"],
    [['backups', '-o', 'xml'], 2, 'xml'],
  ])('%j exits %i', async (args, code, message) => {
    const run = await kubectlPlanner(args, env.namespace);
    expect(run.stderr).toContain(message);
    expect(run.code).toBe(code);
  });

  it('restores with --wait and shows the phases', async () => {
    await sql(env.database.url, 'DELETE FROM tasks');
    const run = await kubectlPlanner(
      ['restore', 'web', '--from', 'nightly/web-plugin', '--wait', '--no-safety-backup', '--name', 'cli-restore'],
      env.namespace,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('PlannerRestore cli-restore created');
    expect(run.stdout).toMatch(/^Restoring: Restoring database from backup web-plugin/m);
    expect(run.stdout).toContain('Succeeded: Restore succeeded: backup web-plugin restored');
    expect(await countTasks(env.database.url)).toBe(50);
  }, 90_000);

  it('exits 1 with the reason when the restore fails', async () => {
    const run = await kubectlPlanner(
      ['restore', 'web', '--from', 'nightly/absent', '--wait', '--no-safety-backup', '--name', 'cli-absent'],
      env.namespace,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('restore cli-absent failed: Restore failed: backup absent not found in storage');
  }, 60_000);

  it('shows a restore in progress', async () => {
    await createRestore(env.client, env.namespace, 'held', {
      appRef: { name: 'web' },
      source: { backupRef: { name: 'nightly', backupId: 'web-plugin' } },
      safetyBackup: false,
    });
    const run = await kubectlPlanner(['status', 'web', '-o', 'json'], env.namespace);
    expect(JSON.parse(run.stdout).restoreInProgress).toMatchObject({ name: 'held' });
  });
});
