import { describe, expect, it } from '@jest/globals';
import type { V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import type { PlannerApp } from '../../api/generated.ts';
import { conflictingHpas, desiredHpa, handBackReplicas, secretProblem, selectorString } from './desired.ts';
import { problemEvents } from './status.ts';

function app(overrides: Partial<PlannerApp['spec']> = {}): PlannerApp {
  return {
    apiVersion: 'planner.bbcagents.io/v1alpha1',
    kind: 'PlannerApp',
    metadata: { name: 'web', namespace: 'prod', uid: 'uid-1' },
    spec: {
      workloadRef: { name: 'web-server' },
      database: { secretRef: { name: 'db' } },
      replicas: { min: 2, max: 5 },
      ...overrides,
    },
  };
}

describe('desiredHpa', () => {
  it('targets the Deployment with the given bounds and an owner reference', () => {
    const hpa = desiredHpa(app(), { min: 3, max: 6 });
    expect(hpa.spec?.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web-server' });
    expect(hpa.spec?.minReplicas).toBe(3);
    expect(hpa.spec?.maxReplicas).toBe(6);
    expect(hpa.spec?.metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
    ]);
    expect(hpa.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'PlannerApp', uid: 'uid-1', controller: true });
  });

  it('adds memory and behavior when set and changes the spec hash', () => {
    const plain = desiredHpa(app(), { min: 2, max: 5 });
    const tuned = desiredHpa(
      app({
        replicas: {
          min: 2,
          max: 5,
          targetMemoryUtilizationPercentage: 75,
          behavior: { scaleDown: { stabilizationWindowSeconds: 600 } },
        },
      }),
      { min: 2, max: 5 },
    );
    expect(tuned.spec?.metrics?.[1]?.resource?.name).toBe('memory');
    expect(tuned.spec?.behavior?.scaleDown?.stabilizationWindowSeconds).toBe(600);
    expect(tuned.metadata?.annotations).not.toEqual(plain.metadata?.annotations);
  });
});

describe('conflictingHpas', () => {
  const hpa = (name: string, target: string, ownerUid?: string): V2HorizontalPodAutoscaler => ({
    metadata: {
      name,
      ownerReferences:
        ownerUid === undefined
          ? undefined
          : [{ apiVersion: 'x', kind: 'PlannerApp', name: 'web', uid: ownerUid, controller: true }],
    },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target }, maxReplicas: 3 },
  });

  it('finds only foreign HPAs on the same Deployment', () => {
    const found = conflictingHpas(app(), [
      hpa('web', 'web-server', 'uid-1'),
      hpa('keda', 'web-server'),
      hpa('other', 'api'),
    ]);
    expect(found.map((item) => item.metadata?.name)).toEqual(['keda']);
  });
});

describe('secretProblem', () => {
  const secret = (data: Record<string, string>) => ({ metadata: { name: 'db' }, data });

  it.each([
    [{ url: 'cG9zdGdyZXM6Ly8=' }, undefined],
    [{ host: 'a', port: 'b', database: 'c', username: 'd', password: 'e' }, undefined],
    [{ host: 'a', port: 'b' }, 'Secret db has no url key and lacks database, username, password'],
    [{}, 'Secret db has no url key and lacks host, port, database, username, password'],
  ])('%j gives %s', (data, expected) => {
    expect(secretProblem(secret(data))).toBe(expected);
  });
});

describe('handBackReplicas', () => {
  const quiesce = { holder: 'restore/x', purpose: 'Restore' as const, requestTime: '', savedReplicas: 4 };

  it.each([
    ['the chosen count', app({ deletion: { replicas: 0 } }), 3, undefined, 0],
    ['the current count', app(), 3, undefined, 3],
    ['min when scaled to zero', app(), 0, undefined, 2],
    ['the saved count during a quiesce', app(), 0, quiesce, 4],
  ])('uses %s', (_label, subject, current, request, expected) => {
    expect(handBackReplicas(subject, current, request)).toBe(expected);
  });
});

describe('selectorString', () => {
  it('renders labels and expressions', () => {
    const text = selectorString({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['a', 'b'] },
        { key: 'canary', operator: 'DoesNotExist' },
      ],
    });
    expect(text).toBe('app=web,tier in (a,b),!canary');
  });
});

describe('problemEvents', () => {
  const condition = (type: string, status: 'True' | 'False', reason: string) => ({
    type,
    status,
    reason,
    message: reason,
    lastTransitionTime: '2026-12-01T00:00:00Z',
  });

  it('reports conditions that turned bad, once', () => {
    const before = [condition('WorkloadAvailable', 'True', 'WorkloadFound')];
    const after = [
      condition('WorkloadAvailable', 'False', 'WorkloadNotFound'),
      condition('AutoscalerConflict', 'True', 'AnotherAutoscaler'),
    ];
    expect(problemEvents(before, after).map((item) => item.reason)).toEqual(['WorkloadNotFound', 'AnotherAutoscaler']);
    expect(problemEvents(after, after)).toEqual([]);
  });
});
