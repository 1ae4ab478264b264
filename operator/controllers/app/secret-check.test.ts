import { describe, expect, it } from '@jest/globals';
import type { PlannerApp } from '../../api/generated.ts';
import { TestClock } from '../../runtime/clock.ts';
import type { ReconcileContext } from '../../runtime/controller.ts';
import { SecretChecker } from './secret-check.ts';

function app(secret: string): PlannerApp {
  return {
    apiVersion: 'planner.bbcagents.io/v1alpha1',
    kind: 'PlannerApp',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { workloadRef: { name: 'web' }, database: { secretRef: { name: secret } } },
  } as PlannerApp;
}

/** A context whose client serves Secret reads from a map and counts them. */
function fakeContext(clock: TestClock, secrets: Map<string, Record<string, string>>) {
  const reads: string[] = [];
  const client = {
    find: async (_type: unknown, _namespace: string, name: string) => {
      reads.push(name);
      const data = secrets.get(name);
      return data === undefined ? undefined : { metadata: { name }, data };
    },
  };
  return { reads, context: { client, clock } as unknown as ReconcileContext };
}

const encoded = (text: string) => Buffer.from(text).toString('base64');

describe('SecretChecker', () => {
  it('reuses a result for 30 s, then reads the Secret again', async () => {
    const clock = new TestClock(new Date('2026-03-01T00:00:00Z'));
    const secrets = new Map<string, Record<string, string>>();
    const { reads, context } = fakeContext(clock, secrets);
    const checker = new SecretChecker();

    expect(await checker.check(app('db'), context)).toMatchObject({ reason: 'SecretNotFound' });
    secrets.set('db', { url: encoded('postgres://planner@db/planner') });
    clock.advance(29_000);
    expect(await checker.check(app('db'), context)).toMatchObject({ reason: 'SecretNotFound' });
    expect(reads).toEqual(['db']);

    clock.advance(1_000);
    expect(await checker.check(app('db'), context)).toBeUndefined();
    expect(reads).toEqual(['db', 'db']);
  });

  it('reads a newly referenced Secret at once', async () => {
    const clock = new TestClock(new Date('2026-03-01T00:00:00Z'));
    const secrets = new Map([['partial', { host: encoded('db') }]]);
    const { reads, context } = fakeContext(clock, secrets);
    const checker = new SecretChecker();

    expect(await checker.check(app('missing'), context)).toMatchObject({ reason: 'SecretNotFound' });
    expect(await checker.check(app('partial'), context)).toMatchObject({ reason: 'SecretKeysMissing' });
    expect(reads).toEqual(['missing', 'partial']);
  });
});
