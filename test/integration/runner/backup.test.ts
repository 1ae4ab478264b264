import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createFileDatabase, testPgBinDir } from '../../harness/context.ts';
import type { TestDatabase } from '../../harness/postgres.ts';
import { parseManifest } from '../../../operator/runner/manifest.ts';
import pg from 'pg';
import { eventually } from '../../harness/processes.ts';
import { countPlannerRows, listFolder, runRunner, seedPlannerData, startRunner } from './runner.ts';

describe('planner-backup backup', () => {
  let database: TestDatabase;
  let folder: string;

  beforeAll(async () => {
    database = await createFileDatabase('runner_backup');
    await seedPlannerData(database.url, 6000);
    folder = await mkdtemp(join(tmpdir(), 'planner-backup-'));
  });

  afterAll(async () => {
    await database.drop();
    await rm(folder, { recursive: true, force: true });
  });

  const env = () => ({ DATABASE_URL: database.url, PG_BINDIR: testPgBinDir() });

  it('publishes a verified dump and its manifest', async () => {
    const storage = join(folder, 'custom');
    const run = await runRunner(['backup', '--app', 'shop', '--backup-id', 'shop-1', '--storage-path', storage], env());

    expect(run.stderr).toContain('"message":"Backup verified and published"');
    expect(run.code).toBe(0);
    expect(await listFolder(storage)).toEqual(['shop-1.dump', 'shop-1.manifest.json']);

    const manifest = parseManifest(await readFile(join(storage, 'shop-1.manifest.json'), 'utf8'), 'shop-1');
    const dump = await readFile(join(storage, 'shop-1.dump'));
    expect(manifest.sha256).toBe(createHash('sha256').update(dump).digest('hex'));
    expect(manifest.size).toBe(dump.length);
    expect(manifest.format).toBe('custom');
    expect(manifest.app).toBe('shop');
    expect(manifest.database).toBe(database.name);
    expect(manifest.serverVersion).toMatch(/^\d+\.\d+/);
    expect(manifest.pgDumpVersion).toContain('pg_dump (PostgreSQL)');
    expect(Date.parse(manifest.completedAt)).toBeGreaterThanOrEqual(Date.parse(manifest.startedAt));
    const counted = Object.fromEntries(manifest.tables.map((table) => [`${table.schema}.${table.name}`, table.rows]));
    expect(counted).toEqual(await countPlannerRows(database.url));

    expect(run.result).toMatchObject({
      command: 'backup',
      status: 'Succeeded',
      exitCode: 0,
      backupId: 'shop-1',
      size: dump.length,
      sha256: manifest.sha256,
      tables: 4,
      rows: 6000 + 3000 + 240 + 40,
    });
    expect(run.result?.tocEntries).toEqual(expect.any(Number));
    expect(run.resultBytes).toBeLessThan(4096);
    expect(JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '')).toEqual(run.result);
  });

  it('logs progress as JSON lines', async () => {
    const storage = join(folder, 'progress');
    const run = await runRunner(
      [
        'backup',
        '--app',
        'shop',
        '--backup-id',
        'progress-1',
        '--storage-path',
        storage,
        '--progress-interval',
        '0.01',
      ],
      env(),
    );

    expect(run.code).toBe(0);
    const progress = run.stderr
      .split('\n')
      .filter((line) => line.includes('"Backup progress"'))
      .map((line) => JSON.parse(line) as { bytes: number; bytesPerSecond: number });
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[0]?.bytes).toEqual(expect.any(Number));
    expect(progress[0]?.bytesPerSecond).toEqual(expect.any(Number));
  });

  it('writes a complete plain dump', async () => {
    const storage = join(folder, 'plain');
    const run = await runRunner(
      ['backup', '--app', 'shop', '--backup-id', 'plain-1', '--format', 'plain', '--storage-path', storage],
      env(),
    );

    expect(run.code).toBe(0);
    expect(await listFolder(storage)).toEqual(['plain-1.manifest.json', 'plain-1.sql']);
    const dump = await readFile(join(storage, 'plain-1.sql'), 'utf8');
    expect(dump).toContain('DROP TABLE IF EXISTS public.tasks');
    expect(dump.trimEnd()).toMatch(/PostgreSQL database dump complete\s*--\s*(\\unrestrict \S+)?$/);
  });

  it('rejects an existing backup id', async () => {
    const storage = join(folder, 'custom');
    const before = await readFile(join(storage, 'shop-1.manifest.json'), 'utf8');
    const run = await runRunner(['backup', '--app', 'shop', '--backup-id', 'shop-1', '--storage-path', storage], env());

    expect(run.code).toBe(2);
    expect(run.result).toMatchObject({ status: 'Failed', reason: 'InvalidConfiguration' });
    expect(String(run.result?.message)).toContain('backup shop-1 already exists');
    expect(await readFile(join(storage, 'shop-1.manifest.json'), 'utf8')).toBe(before);
  });

  it('fails on a wrong password and publishes nothing', async () => {
    const storage = join(folder, 'wrong-password');
    const url = new URL(database.url);
    url.password = 'wrong-password';
    const run = await runRunner(['backup', '--app', 'shop', '--storage-path', storage], {
      DATABASE_URL: url.toString(),
      PG_BINDIR: testPgBinDir(),
    });

    expect(run.code).toBe(3);
    expect(run.result).toMatchObject({ status: 'Failed', reason: 'ConnectionFailed', exitCode: 3 });
    expect(String(run.result?.message)).toContain('password authentication failed');
    expect(String(run.result?.hint)).toContain('password key of the database Secret');
    expect(await listFolder(storage)).toEqual([]);
  });

  it('reads the connection from PG variables', async () => {
    const storage = join(folder, 'pg-variables');
    const url = new URL(database.url);
    const run = await runRunner(['backup', '--app', 'shop', '--backup-id', 'vars-1', '--storage-path', storage], {
      PGHOST: url.hostname,
      PGPORT: url.port,
      PGDATABASE: database.name,
      PGUSER: decodeURIComponent(url.username),
      PGPASSWORD: decodeURIComponent(url.password),
      PG_BINDIR: testPgBinDir(),
    });

    expect(run.code).toBe(0);
    expect(await listFolder(storage)).toEqual(['vars-1.dump', 'vars-1.manifest.json']);
  });

  it('fails when the storage path is not a folder', async () => {
    const storage = join(folder, 'a-file');
    await writeFile(storage, 'not a folder');
    const run = await runRunner(['backup', '--app', 'shop', '--storage-path', storage], env());

    expect(run.code).toBe(5);
    expect(run.result).toMatchObject({ status: 'Failed', reason: 'StorageFailed' });
    expect(String(run.result?.message)).toContain(storage);
    expect(await readFile(storage, 'utf8')).toBe('not a folder');
  });

  it('fails when pg_dump is missing', async () => {
    const run = await runRunner(['backup', '--app', 'shop', '--storage-path', join(folder, 'no-tools')], {
      DATABASE_URL: database.url,
      PG_BINDIR: join(folder, 'no-such-folder'),
    });

    expect(run.code).toBe(2);
    expect(String(run.result?.message)).toContain('pg_dump was not found in PG_BINDIR');
    expect(await listFolder(join(folder, 'no-tools'))).toEqual([]);
  });

  it('stops at once on SIGTERM while tables are locked, publishing nothing', async () => {
    const storage = join(folder, 'stopped');
    // A lock held elsewhere blocks both the row count and pg_dump, so the signal arrives mid-run.
    const blocker = new pg.Client({ connectionString: database.url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE tasks IN ACCESS EXCLUSIVE MODE');
      let stderr = '';
      const started = await startRunner(
        ['backup', '--app', 'shop', '--backup-id', 'stopped-1', '--storage-path', storage],
        env(),
        undefined,
        (chunk) => (stderr += chunk),
      );
      await eventually(
        'the snapshot export',
        async () => stderr,
        (text) => text.includes('Exported a snapshot'),
      );
      const signalled = Date.now();
      started.kill('SIGTERM');
      const run = await started.done;

      expect(Date.now() - signalled).toBeLessThan(5_000);
      expect(run.code).toBe(9);
      expect(run.result).toMatchObject({ status: 'Failed', reason: 'Interrupted' });
      expect((await listFolder(storage)).filter((name) => !name.startsWith('.'))).toEqual([]);
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
  });

  it('rejects a missing storage setting', async () => {
    const run = await runRunner(['backup', '--app', 'shop'], env());

    expect(run.code).toBe(2);
    expect(run.result).toMatchObject({ reason: 'InvalidConfiguration', message: 'no storage is configured' });
  });
});
