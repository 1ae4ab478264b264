import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { KubeClient } from '../../../operator/runtime/client.ts';
import { TestClock } from '../../../operator/runtime/clock.ts';
import type { Manager } from '../../../operator/runtime/manager.ts';
import { createTestNamespace, loadTestKubeConfig, type TestNamespace } from '../../harness/context.ts';
import {
  createApp,
  createDatabaseSecret,
  createDeployment,
  eventually,
  readApp,
  readHpa,
  startTestOperator,
  testClient,
} from './support.ts';

describe('PlannerApp schedules with a moved clock', () => {
  let namespace: TestNamespace;
  let client: KubeClient;
  let operator: Manager;
  // Monday 2026-12-07, one minute before the 09:00 window in Europe/London (GMT in December).
  const clock = new TestClock(new Date('2026-12-07T08:59:00Z'));

  beforeAll(async () => {
    const kubeConfig = loadTestKubeConfig();
    namespace = await createTestNamespace(kubeConfig, 'op-sched');
    client = testClient(kubeConfig);
    await createDeployment(client, namespace.name, 'web', 1);
    await createDatabaseSecret(client, namespace.name, 'db');
    operator = await startTestOperator({ kubeConfig, namespace: namespace.name, clock });
    await createApp(client, namespace.name, 'web', {
      workloadRef: { name: 'web' },
      database: { secretRef: { name: 'db' } },
      replicas: { min: 2, max: 5 },
      schedules: [
        { name: 'office-hours', cron: '0 9 * * 1-5', timeZone: 'Europe/London', duration: '8h', min: 4 },
        { name: 'lunch-peak', cron: '0 12 * * 1-5', timeZone: 'Europe/London', duration: '1h', min: 6, max: 9 },
      ],
    });
  });

  afterAll(async () => {
    await operator?.stop();
    await namespace?.delete();
    client?.close();
  });

  it('uses the spec bounds before the window and names the next change', async () => {
    const app = await eventually(
      'app Active',
      () => readApp(client, namespace.name, 'web'),
      (a) => a.status?.phase === 'Active',
    );
    expect(app.status?.effectiveMinReplicas).toBe(2);
    expect(app.status?.activeSchedules).toBeUndefined();
    expect(app.status?.nextScheduleChangeTime).toBe('2026-12-07T09:00:00.000Z');
    const hpa = await readHpa(client, namespace.name, 'web');
    expect(hpa?.spec?.minReplicas).toBe(2);
  });

  it('raises the floor when the window opens', async () => {
    clock.advance(60_000);
    const hpa = await eventually(
      'HPA min 4',
      () => readHpa(client, namespace.name, 'web'),
      (h) => h?.spec?.minReplicas === 4,
    );
    expect(hpa?.spec?.maxReplicas).toBe(5);
    const app = await eventually(
      'status office-hours',
      () => readApp(client, namespace.name, 'web'),
      (a) => a.status?.activeSchedules?.[0] === 'office-hours',
    );
    expect(app.status?.nextScheduleChangeTime).toBe('2026-12-07T12:00:00.000Z');
  });

  it('applies the highest floor and ceiling of overlapping windows', async () => {
    clock.set(new Date('2026-12-07T12:00:00Z'));
    const hpa = await eventually(
      'HPA 6 to 9',
      () => readHpa(client, namespace.name, 'web'),
      (h) => h?.spec?.minReplicas === 6,
    );
    expect(hpa?.spec?.maxReplicas).toBe(9);
    const app = await eventually(
      'two active',
      () => readApp(client, namespace.name, 'web'),
      (a) => a.status?.activeSchedules?.length === 2,
    );
    expect(app.status?.effectiveMaxReplicas).toBe(9);
  });

  it('returns to the spec bounds after the windows close', async () => {
    clock.set(new Date('2026-12-07T17:00:00Z'));
    const hpa = await eventually(
      'HPA back to 2 to 5',
      () => readHpa(client, namespace.name, 'web'),
      (h) => h?.spec?.minReplicas === 2,
    );
    expect(hpa?.spec?.maxReplicas).toBe(5);
    const app = await eventually(
      'no active schedule',
      () => readApp(client, namespace.name, 'web'),
      (a) => a.status?.activeSchedules === undefined,
    );
    expect(app.status?.nextScheduleChangeTime).toBe('2026-12-08T09:00:00.000Z');
  });

  it('skips the weekend', async () => {
    clock.set(new Date('2026-12-11T17:00:00Z'));
    const app = await eventually(
      'next change on Monday',
      () => readApp(client, namespace.name, 'web'),
      (a) => a.status?.nextScheduleChangeTime === '2026-12-14T09:00:00.000Z',
    );
    expect(app.status?.effectiveMinReplicas).toBe(2);
  });

  it('follows British Summer Time', async () => {
    // On Monday 2027-03-29 London is on BST (UTC+1), so 09:00 local is 08:00 UTC.
    clock.set(new Date('2027-03-29T07:59:00Z'));
    await eventually(
      'next change 08:00 UTC',
      () => readApp(client, namespace.name, 'web'),
      (a) => a.status?.nextScheduleChangeTime === '2027-03-29T08:00:00.000Z',
    );
    clock.advance(60_000);
    const hpa = await eventually(
      'HPA min 4 at 09:00 BST',
      () => readHpa(client, namespace.name, 'web'),
      (h) => h?.spec?.minReplicas === 4,
    );
    expect(hpa?.spec?.minReplicas).toBe(4);
  });
});
