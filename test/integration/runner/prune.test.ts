import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createFileDatabase, testPgBinDir } from '../../harness/context.ts';
import type { TestDatabase } from '../../harness/postgres.ts';
import { formatManifest, parseManifest } from '../../../operator/runner/manifest.ts';
import { decideRetention } from '../../../operator/runner/retention.ts';
import { listFolder, runRunner, seedPlannerData } from './runner.ts';

describe('planner-backup prune', () => {
  let database: TestDatabase;
  let folder: string;
  /** Ids and completion times of the 60 backups: one every 12 hours for 30 days. */
  const backups = Array.from({ length: 60 }, (_, i) => ({
    id: `shop-${String(i).padStart(2, '0')}`,
    completedAt: new Date(Date.UTC(2026, 10, 1, 6 + 12 * i)),
  }));
  const policy = { keepLast: 3, keepDaily: 5, keepWeekly: 3, keepMonthly: 2 };

  beforeAll(async () => {
    database = await createFileDatabase('runner_prune');
    await seedPlannerData(database.url, 500);
    folder = await mkdtemp(join(tmpdir(), 'planner-prune-'));
    const run = await runRunner(['backup', '--app', 'shop', '--backup-id', 'seed', '--storage-path', folder], {
      DATABASE_URL: database.url,
      PG_BINDIR: testPgBinDir(),
    });
    if (run.code !== 0) throw new Error(`seed backup failed: ${run.stderr}`);
    // Copies of one real backup stand for backups taken over a month.
    const seed = parseManifest(await readFile(join(folder, 'seed.manifest.json'), 'utf8'), 'seed');
    const dump = await readFile(join(folder, 'seed.dump'));
    for (const { id, completedAt } of backups) {
      await writeFile(join(folder, `${id}.dump`), dump);
      const manifest = { ...seed, id, dumpKey: `${id}.dump`, completedAt: completedAt.toISOString() };
      await writeFile(join(folder, `${id}.manifest.json`), formatManifest(manifest));
    }
    await rm(join(folder, 'seed.dump'));
    await rm(join(folder, 'seed.manifest.json'));
  }, 60_000);

  afterAll(async () => {
    await database.drop();
    await rm(folder, { recursive: true, force: true });
  });

  const prune = (...extra: string[]) =>
    runRunner(
      [
        'prune',
        '--storage-path',
        folder,
        '--keep-last',
        String(policy.keepLast),
        '--keep-daily',
        String(policy.keepDaily),
        '--keep-weekly',
        String(policy.keepWeekly),
        '--keep-monthly',
        String(policy.keepMonthly),
        ...extra,
      ],
      {},
    );

  it('reports without deleting in a dry run', async () => {
    const before = await listFolder(folder);
    const run = await prune('--dry-run');

    expect(run.code).toBe(0);
    expect(run.result).toMatchObject({ dryRun: true });
    expect(await listFolder(folder)).toEqual(before);
  });

  it('deletes exactly the expired backups', async () => {
    const expected = decideRetention(backups, policy);
    const run = await prune();

    expect(run.code).toBe(0);
    expect(run.result?.deleted).toEqual(expected.expire);
    expect(expected.keep.length).toBeGreaterThanOrEqual(5);
    expect(expected.expire.length).toBeGreaterThan(40);
    const remaining = expected.keep.flatMap((entry) => [`${entry.id}.dump`, `${entry.id}.manifest.json`]).sort();
    expect(await listFolder(folder)).toEqual(remaining);
    expect(run.resultBytes).toBeLessThanOrEqual(4096);
  });

  it('deletes nothing more when repeated', async () => {
    const before = await listFolder(folder);
    const run = await prune();

    expect(run.code).toBe(0);
    expect(run.result?.deleted).toEqual([]);
    expect(await listFolder(folder)).toEqual(before);
  });

  it('keeps the newest backup with the smallest policy', async () => {
    const run = await runRunner(['prune', '--storage-path', folder, '--keep-last', '0'], {});

    expect(run.code).toBe(0);
    expect(await listFolder(folder)).toEqual(['shop-59.dump', 'shop-59.manifest.json']);
  });

  it('removes leftovers of interrupted runs after the grace period', async () => {
    const old = new Date(Date.now() - 2 * 86_400_000);
    for (const name of ['orphan-old.dump', '.partial-old.dump.abc123.partial']) {
      await writeFile(join(folder, name), 'partial');
      await utimes(join(folder, name), old, old);
    }
    await writeFile(join(folder, 'orphan-new.dump'), 'in progress');

    const run = await runRunner(['prune', '--storage-path', folder, '--keep-last', '1'], {});

    expect(run.code).toBe(0);
    expect(run.result?.removedIncomplete).toBe(2);
    expect(await listFolder(folder)).toEqual(['orphan-new.dump', 'shop-59.dump', 'shop-59.manifest.json']);
  });

  it('rejects a prune without rules', async () => {
    const run = await runRunner(['prune', '--storage-path', folder], {});

    expect(run.code).toBe(2);
    expect(run.result).toMatchObject({ reason: 'InvalidConfiguration', message: 'no retention rule is set' });
  });

  it('lists the remaining backups as JSON', async () => {
    const run = await runRunner(['list', '--storage-path', folder], {});

    expect(run.code).toBe(0);
    const listed = JSON.parse(run.stdout) as { id: string; manifestKey: string }[];
    expect(listed.map((entry) => entry.id)).toEqual(['shop-59']);
    expect(listed[0]?.manifestKey).toBe('shop-59.manifest.json');
  });
});
