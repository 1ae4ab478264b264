import { describe, expect, it } from '@jest/globals';
import type { V1Pod } from '@kubernetes/client-node';
import { access } from 'node:fs/promises';
import { relative } from 'node:path';
import { loadBinMap, plannerBinNames, resolveHostCommand } from '../../agent/bins.ts';
import { expandReferences, resolveFieldPath } from '../../agent/container-environment.ts';
import { buildPodStatus } from '../../agent/pod-status.ts';
import { mountMapOf, rewriteMountedPath } from '../../agent/volumes.ts';
import { repositoryRoot } from './support.ts';

// The agent's pure decisions; they need no control plane but live beside the agent's other tests.
describe('node agent logic', () => {
  const bins = new Map([['planner-backup', '/repo/dist/operator/runner/cli.js']]);

  it.each([
    [{ command: ['planner-backup'], args: ['dump'] }, ['dump']],
    [{ command: ['/usr/local/bin/planner-backup', 'dump'], args: ['--x'] }, ['dump', '--x']],
    [{ args: ['planner-backup', 'restore'] }, ['restore']],
  ])('maps container %j to the program with args', (container, args) => {
    const command = resolveHostCommand({ name: 'c', ...container }, bins);
    expect(command?.file).toBe('/repo/dist/operator/runner/cli.js');
    expect(command?.args).toEqual(args);
  });

  it.each([[{ command: ['pg_dump'] }], [{ args: ['sleep', '1'] }], [{}]])(
    'leaves container %j unmapped',
    (container) => {
      expect(resolveHostCommand({ name: 'c', ...container }, bins)).toBeUndefined();
    },
  );

  const volumes = new Map([
    ['data', '/host/claim'],
    ['nested', '/host/nested'],
  ]);
  const mounts = mountMapOf(
    {
      name: 'c',
      volumeMounts: [
        { name: 'data', mountPath: '/backups', subPath: 'app' },
        { name: 'nested', mountPath: '/backups/cache/' },
      ],
    },
    volumes,
  );

  it.each([
    ['/backups', '/host/claim/app'],
    ['/backups/x/dump.bin', '/host/claim/app/x/dump.bin'],
    ['/backups/cache/y', '/host/nested/y'],
    ['--output=/backups/z', '--output=/host/claim/app/z'],
    ['/backups2/z', '/backups2/z'],
    ['relative/backups', 'relative/backups'],
  ])('rewrites %s to %s', (value, expected) => {
    expect(rewriteMountedPath(value, mounts)).toBe(expected);
  });

  it.each([
    ['$(A)-$(B)', 'one-two'],
    ['$$(A)', '$(A)'],
    ['$(MISSING)', '$(MISSING)'],
    ['plain', 'plain'],
  ])('expands %s to %s', (value, expected) => {
    expect(expandReferences(value, { A: 'one', B: 'two' })).toBe(expected);
  });

  const pod: V1Pod = {
    metadata: { name: 'p', namespace: 'n', uid: 'u', labels: { app: 'web' } },
    spec: { nodeName: 'node', serviceAccountName: 'runner', containers: [] },
  };
  it.each([
    ['metadata.name', 'p'],
    ['metadata.namespace', 'n'],
    ['metadata.uid', 'u'],
    ["metadata.labels['app']", 'web'],
    ['spec.nodeName', 'node'],
    ['spec.serviceAccountName', 'runner'],
    ['status.podIP', '127.0.0.1'],
  ])('resolves field path %s', (path, expected) => {
    expect(resolveFieldPath(pod, path)).toBe(expected);
  });

  it('keeps foreign conditions and unchanged transition times', () => {
    const earlier = new Date('2026-01-01T00:00:00Z');
    const now = new Date('2026-01-01T00:01:00Z');
    const status = buildPodStatus(
      {
        phase: 'Succeeded',
        sandboxReady: true,
        initContainerStatuses: [],
        containerStatuses: [
          { name: 'c', image: 'i', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 0 } } },
        ],
      },
      {
        qosClass: 'BestEffort',
        conditions: [
          { type: 'PodScheduled', status: 'True', lastTransitionTime: earlier },
          { type: 'DisruptionTarget', status: 'True', lastTransitionTime: earlier },
        ],
      },
      now,
    );
    const byType = new Map(status.conditions?.map((condition) => [condition.type, condition]));
    expect(status.qosClass).toBe('BestEffort');
    expect(byType.get('PodScheduled')?.lastTransitionTime).toBe(earlier);
    expect(byType.get('DisruptionTarget')?.status).toBe('True');
    expect(byType.get('Ready')?.status).toBe('False');
    expect(byType.get('Ready')?.reason).toBe('PodCompleted');
    expect(byType.get('Ready')?.lastTransitionTime).toBe(now);
  });

  it('maps every program to its build and source file', async () => {
    const built = await loadBinMap(repositoryRoot);
    const sources = await loadBinMap(repositoryRoot, true);
    expect([...built.keys()].sort()).toEqual([...plannerBinNames].sort());
    expect(relative(repositoryRoot, built.get('planner-backup') ?? '')).toBe('dist/operator/runner/cli.js');
    expect(relative(repositoryRoot, sources.get('planner-backup') ?? '')).toBe('operator/runner/cli.ts');
    await expect(access(sources.get('planner-backup') ?? '')).resolves.toBeUndefined();
  });
});
