import { describe, expect, it } from '@jest/globals';
import { parseSettings, type RawSettings } from './settings.ts';

const valid: RawSettings = {
  namespaces: 'team-a, team-b',
  metricsBindAddress: ':8080',
  healthProbeBindAddress: ':8081',
  leaderElect: 'true',
  leaderElectionNamespace: 'planner-system',
  leaderElectionId: 'planner-operator',
  concurrency: '4',
  logLevel: 'info',
  logFormat: 'json',
};

describe('parseSettings', () => {
  it('parses and freezes valid settings', () => {
    const settings = parseSettings(valid, {});
    expect(settings.namespaces).toEqual(['team-a', 'team-b']);
    expect(settings.leaderElect).toBe(true);
    expect(settings.concurrency).toBe(4);
    expect(Object.isFrozen(settings)).toBe(true);
  });

  it('treats an empty namespace list as all namespaces', () => {
    expect(parseSettings({ ...valid, namespaces: '' }, {}).namespaces).toEqual([]);
  });

  it.each([
    ['concurrency', '0', '--concurrency'],
    ['leaderElect', 'yes', '--leader-elect'],
    ['namespaces', 'Team_A', '--namespaces'],
    ['metricsBindAddress', 'localhost', '--metrics-bind-address'],
    ['logLevel', 'verbose', '--log-level'],
  ])('rejects %s=%s naming the flag', (key, value, flag) => {
    expect(() => parseSettings({ ...valid, [key]: value }, { [key]: flag })).toThrow(flag);
  });
});
