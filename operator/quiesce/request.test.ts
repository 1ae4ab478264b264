import { describe, expect, it } from '@jest/globals';
import type { PlannerApp } from '../api/generated.ts';
import { parseQuiesceRequest, quiescePhaseOf, resumeReplicas } from './request.ts';

function app(annotation: string | undefined, quiescedTime?: string): PlannerApp {
  return {
    metadata: {
      name: 'web',
      annotations: annotation === undefined ? {} : { 'planner.bbcagents.io/quiesce': annotation },
    },
    spec: { workloadRef: { name: 'web' }, database: { secretRef: { name: 'db' } }, replicas: { min: 1, max: 2 } },
    status: quiescedTime === undefined ? {} : { quiesce: { holder: 'restore/a', quiescedTime } },
  };
}

const request = { holder: 'restore/a', purpose: 'Restore', requestTime: '2026-12-01T00:00:00Z', savedReplicas: 3 };

describe('quiesce request', () => {
  it('parses a valid annotation', () => {
    expect(parseQuiesceRequest(app(JSON.stringify(request)))).toEqual(request);
    expect(parseQuiesceRequest(app(undefined))).toBeUndefined();
  });

  it.each([
    '{',
    '{"holder":"a"}',
    JSON.stringify({ ...request, purpose: 'Nap' }),
    JSON.stringify({ ...request, savedReplicas: -1 }),
  ])('rejects %s', (text) => {
    expect(() => parseQuiesceRequest(app(text))).toThrow(/planner.bbcagents.io\/quiesce/);
  });

  it.each([
    ['None without a request', undefined, undefined, 'None'],
    ['Quiescing before the pods are gone', request, undefined, 'Quiescing'],
    ['Quiesced once observed', request, '2026-12-01T00:01:00Z', 'Quiesced'],
    ['Resuming once released', { ...request, release: true }, '2026-12-01T00:01:00Z', 'Resuming'],
  ])('phase is %s', (_label, value, quiescedTime, phase) => {
    const subject = app(value === undefined ? undefined : JSON.stringify(value), quiescedTime);
    expect(quiescePhaseOf(subject, parseQuiesceRequest(subject))).toBe(phase);
  });

  it.each([
    [3, 2, 5, 3],
    [3, 4, 5, 4],
    [0, 2, 5, 2],
    [8, 2, 5, 5],
  ])('resumes saved %i with bounds %i..%i at %i', (saved, min, max, expected) => {
    expect(resumeReplicas(saved, min, max)).toBe(expected);
  });
});
