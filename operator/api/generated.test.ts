import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { generatedFile, readCrdSources, renderFormattedTypes, renderTypes } from './codegen.ts';

describe('generated API types', () => {
  it('match the CRD manifests', async () => {
    const expected = await renderFormattedTypes(readCrdSources());
    expect(readFileSync(generatedFile, 'utf8')).toBe(expected);
  });

  it('cover every spec and status field', () => {
    const text = renderTypes(readCrdSources());
    for (const field of [
      'workloadRef',
      'schedules',
      'forcePathStyle',
      'keepMonthly',
      'safetyBackupId',
      'savedReplicas',
    ]) {
      expect(text).toMatch(new RegExp(`\\b${field}\\??: `));
    }
  });

  it('renders enums as string unions', () => {
    const text = renderTypes(readCrdSources());
    expect(text).toContain(
      `phase?: 'Pending' | 'Quiescing' | 'SafetyBackup' | 'Restoring' | 'Resuming' | 'Succeeded' | 'Failed';`.replaceAll(
        "'",
        '"',
      ),
    );
    expect(text).toContain('deletionPolicy?: "Retain" | "Delete";');
  });
});
