import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from './objects.ts';
import { onlyStatusChanged } from './runner.ts';

const base: KubeObject & { status?: unknown } = {
  metadata: {
    name: 'web',
    namespace: 'shop',
    generation: 3,
    resourceVersion: '10',
    labels: { team: 'a' },
    annotations: { note: 'x' },
    finalizers: ['planner.bbcagents.io/app'],
  },
  status: { phase: 'Active' },
};

function changed(
  metadata: Partial<NonNullable<KubeObject['metadata']>>,
  status?: unknown,
): KubeObject & { status?: unknown } {
  return { ...base, metadata: { ...base.metadata, resourceVersion: '11', ...metadata }, status };
}

describe('onlyStatusChanged', () => {
  it('is true for a new status and resourceVersion alone', () => {
    expect(onlyStatusChanged(base, changed({}, { phase: 'Degraded' }))).toBe(true);
  });

  it.each([
    ['a new generation', { generation: 4 }],
    ['a new annotation', { annotations: { note: 'x', quiesce: '{}' } }],
    ['a changed label', { labels: { team: 'b' } }],
    ['a removed finalizer', { finalizers: [] }],
    ['a deletion time', { deletionTimestamp: new Date('2026-01-01T00:00:00Z') }],
  ])('is false for %s', (_name, metadata) => {
    expect(onlyStatusChanged(base, changed(metadata))).toBe(false);
  });

  it('is false when the generation is unknown', () => {
    const noGeneration = { ...base, metadata: { ...base.metadata, generation: undefined } };
    expect(onlyStatusChanged(noGeneration, { ...noGeneration })).toBe(false);
  });
});
