import { readdir } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AppsV1Api, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { testDatabaseAdminUrl, testKubeconfigPath, testPgBinDir } from '../harness/context.ts';
import { waitFor } from '../harness/processes.ts';
import { startClockOperator } from '../system/clock-operator.ts';
import { runStep } from '../system/flow.ts';
import { PlannerObjects } from '../system/kube.ts';
import { restoreBackup, runBackupNow, takeBackup, verifyRestore } from '../system/steps-backup.ts';
import { deleteProject, fillPlanner, scheduleWindow, showApp, type FlowState, type Reporter } from '../system/steps.ts';
import { names, startSystem, type System } from '../system/system.ts';

const minute = 60_000;
const lines: string[] = [];
const report: Reporter = { line: (text) => lines.push(text), progress: () => undefined };
const state: FlowState = { size: { projects: 6, tasks: 300, events: 80, commands: 24 } };
let system: System;
let objects: PlannerObjects;

beforeAll(async () => {
  system = await startSystem({
    source: {
      kind: 'shared',
      kubeconfigPath: testKubeconfigPath(),
      databaseAdminUrl: testDatabaseAdminUrl(),
      pgBinDir: testPgBinDir(),
    },
    logDir: await mkdtemp(join(tmpdir(), 'planner-e2e-')),
  });
  objects = new PlannerObjects(system.kubeConfig, system.namespace);
}, 3 * minute);

afterAll(async () => {
  await system?.stop();
}, minute);

describe('the main job end to end', () => {
  it('installs the chart and runs its migrations, server and operator with the chart RBAC', async () => {
    const apps = system.kubeConfig.makeApiClient(AppsV1Api);
    const server = await apps.readNamespacedDeployment({ name: names.serverDeployment, namespace: system.namespace });
    expect(server.spec?.replicas).toBeGreaterThan(0);
    expect(system.server.isRunning()).toBe(true);
    const ready = await fetch(`${system.server.baseUrl}/ready`);
    expect(ready.status).toBe(200);
    const rbac = system.kubeConfig.makeApiClient(RbacAuthorizationV1Api);
    const roles = await rbac.listNamespacedRoleBinding({ namespace: system.namespace });
    expect(roles.items.map((binding) => binding.subjects?.[0]?.name)).toContain('planner-operator');
    const metrics = await (await fetch(system.operator.metricsUrl)).text();
    expect(metrics).toMatch(/planner_/);
  });

  it(
    'fills the planner through the API, partly through commands',
    async () => {
      const { data } = await runStep(fillPlanner, system, state, report);
      expect(data.counts).toEqual({
        projects: 6,
        tasks: 300 + (data.seed.commandResults.create_task ?? 0),
        events: 80 + (data.seed.commandResults.create_event ?? 0),
      });
      expect((data.seed.commandResults.create_task ?? 0) + (data.seed.commandResults.create_event ?? 0)).toBe(24);
    },
    2 * minute,
  );

  it(
    'reconciles the PlannerApp into an HPA',
    async () => {
      const { data } = await runStep(showApp, system, state, report);
      expect(data).toMatchObject({ phase: 'Active', min: 1, max: 4, hpaMin: 1, hpaMax: 4 });
    },
    minute,
  );

  it(
    'raises the replica floor inside a schedule window',
    async () => {
      const { data } = await runStep(scheduleWindow, system, state, report);
      expect(data.before.hpaMin).toBe(1);
      expect(data.after).toMatchObject({ min: 3, hpaMin: 3, activeSchedules: ['demo-peak'] });
    },
    minute,
  );

  it(
    'takes an on-demand backup through the PlannerBackup',
    async () => {
      const { data } = await runStep(takeBackup, system, state, report);
      expect(data.result).toBe('Succeeded');
      expect(data.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(data.size).toBeGreaterThan(10_000);
      expect(lines.some((line) => line.includes('runner | Backup verified and published'))).toBe(true);
    },
    3 * minute,
  );

  it(
    'deletes a project with its tasks',
    async () => {
      const { data } = await runStep(deleteProject, system, state, report);
      expect(data.tasks).toBeGreaterThan(0);
    },
    minute,
  );

  it(
    'restores with kubectl planner restore, quiescing the server',
    async () => {
      const { data } = await runStep(restoreBackup, system, state, report);
      expect(data.phase).toBe('Succeeded');
      expect(data.serverStops).toBeGreaterThanOrEqual(1);
      expect(lines.some((line) => line.includes('Restoring'))).toBe(true);
    },
    4 * minute,
  );

  it(
    'brings the deleted rows back with matching counts',
    async () => {
      const { data } = await runStep(verifyRestore, system, state, report);
      expect(data.after).toEqual(data.before);
    },
    minute,
  );

  it(
    'keeps only keepLast backups after several runs',
    async () => {
      await objects.mergePatch('plannerbackups', names.nightlyBackup, {
        spec: { retention: { keepLast: 2, keepDaily: 0, keepWeekly: 0, keepMonthly: 0 } },
      });
      for (let run = 0; run < 3; run += 1) await runBackupNow(system, names.nightlyBackup, report);
      const kept = await waitFor(
        async () => {
          const backups = (await objects.get('plannerbackups', names.nightlyBackup)).status?.backups ?? [];
          return backups.length === 2 ? backups : undefined;
        },
        { description: 'retention to keep two backups', timeoutMs: minute, intervalMs: 500 },
      );
      const folder = join(
        system.agent.hostPathForClaim(system.namespace, names.backupClaim),
        system.namespace,
        names.nightlyBackup,
      );
      const dumps = await waitFor(
        async () => {
          const files = (await readdir(folder)).filter((file) => file.endsWith('.dump'));
          return files.length === 2 ? files : undefined;
        },
        { description: `two dumps left in ${folder}`, timeoutMs: minute, intervalMs: 500 },
      );
      expect(dumps.sort()).toEqual(kept.map((backup) => `${backup.backupId}.dump`).sort());
    },
    4 * minute,
  );

  it(
    'finishes a restore when the operator is killed in the middle of it',
    async () => {
      await objects.create('plannerrestores', {
        apiVersion: 'planner.bbcagents.io/v1alpha1',
        kind: 'PlannerRestore',
        metadata: { name: 'restore-after-crash' },
        spec: { appRef: { name: names.app }, source: { backupRef: { name: names.nightlyBackup } } },
      });
      const phase = await waitFor(
        async () => {
          const current = (await objects.get('plannerrestores', 'restore-after-crash')).status?.phase;
          return current !== undefined && !['Pending', 'Quiescing'].includes(current) ? current : undefined;
        },
        { description: 'the restore to pass quiescing', timeoutMs: 2 * minute, intervalMs: 100 },
      );
      await system.operator.stop({ kill: true });
      report.line(`killed the operator in phase ${phase}`);
      await system.operator.start();
      const done = await waitFor(
        async () => {
          const status = (await objects.get('plannerrestores', 'restore-after-crash')).status;
          return status?.phase === 'Succeeded' || status?.phase === 'Failed' ? status : undefined;
        },
        { description: 'the restore to finish after the restart', timeoutMs: 3 * minute, intervalMs: 500 },
      );
      expect(done.phase).toBe('Succeeded');
      const app = await waitFor(
        async () => {
          const current = await objects.get('plannerapps', names.app);
          return current.status?.phase === 'Active' ? current : undefined;
        },
        { description: 'the PlannerApp to be Active again', timeoutMs: minute, intervalMs: 500 },
      );
      expect(app.status?.effectiveMinReplicas).toBe(3);
      await waitFor(async () => (system.server.isRunning() ? true : undefined), {
        description: 'the server to run again',
        timeoutMs: minute,
      });
    },
    6 * minute,
  );

  it(
    'fires a scheduled backup when the clock reaches its time',
    async () => {
      await system.operator.stop();
      const next = new Date();
      next.setUTCDate(next.getUTCDate() + 1);
      next.setUTCHours(2, 0, 0, 0);
      const operator = await startClockOperator(system, new Date(next.getTime() - 30_000));
      try {
        const expected = `${names.nightlyBackup}-${next.toISOString().slice(0, 16).replace(/[-:T]/g, '')}`;
        await new Promise((resolve) => setTimeout(resolve, 2000));
        const early = (await objects.get('plannerbackups', names.nightlyBackup)).status;
        expect(early?.activeRun?.jobName).not.toBe(expected);
        operator.clock.advance(40_000);
        const record = await waitFor(
          async () => {
            const status = (await objects.get('plannerbackups', names.nightlyBackup)).status;
            return status?.lastRun?.jobName === expected && status.activeRun === undefined ? status.lastRun : undefined;
          },
          { description: `scheduled run ${expected}`, timeoutMs: 2 * minute, intervalMs: 500 },
        );
        expect(record.result).toBe('Succeeded');
      } finally {
        await operator.stop();
      }
    },
    4 * minute,
  );
});
