import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createFileDatabase, testPgBinDir } from '../../harness/context.ts';
import type { TestDatabase } from '../../harness/postgres.ts';
import { countPlannerRows, execute, query, runRunner, seedPlannerData } from './runner.ts';

/** Returns a fingerprint of everything the tests change: table names and the tasks' contents. */
async function fingerprint(url: string): Promise<string> {
  const tables = await query<{ names: string }>(
    url,
    "SELECT string_agg(table_schema || '.' || table_name, ',' ORDER BY table_schema, table_name) AS names FROM information_schema.tables WHERE table_schema IN ('public', 'planning')",
  );
  const tasks = await query<{ digest: string | null }>(
    url,
    "SELECT md5(string_agg(id || ':' || title, ',' ORDER BY id)) AS digest FROM tasks",
  ).catch(() => [{ digest: 'no tasks table' }]);
  return `${tables[0]?.names ?? ''}|${tasks[0]?.digest ?? ''}`;
}

describe('planner-backup restore', () => {
  let source: TestDatabase;
  let target: TestDatabase;
  let folder: string;
  const env = (url: string) => ({ DATABASE_URL: url, PG_BINDIR: testPgBinDir() });

  beforeAll(async () => {
    source = await createFileDatabase('runner_restore_source');
    target = await createFileDatabase('runner_restore_target');
    await seedPlannerData(source.url, 5000);
    folder = await mkdtemp(join(tmpdir(), 'planner-restore-'));
    for (const [id, format] of [
      ['custom-1', 'custom'],
      ['plain-1', 'plain'],
    ]) {
      const run = await runRunner(
        ['backup', '--app', 'shop', '--backup-id', id ?? '', '--format', format ?? '', '--storage-path', folder],
        env(source.url),
      );
      if (run.code !== 0) throw new Error(`backup ${id} failed: ${run.stderr}`);
    }
  }, 60_000);

  afterAll(async () => {
    await source.drop();
    await target.drop();
    await rm(folder, { recursive: true, force: true });
  });

  it('reproduces the row counts from a custom dump', async () => {
    await execute(
      target.url,
      "CREATE TABLE tasks (id int PRIMARY KEY, title text); INSERT INTO tasks VALUES (1, 'stale')",
    );
    const run = await runRunner(['restore', '--backup-id', 'custom-1', '--storage-path', folder], env(target.url));

    expect(run.code).toBe(0);
    expect(run.result).toMatchObject({ command: 'restore', status: 'Succeeded', backupId: 'custom-1', tables: 4 });
    expect(await countPlannerRows(target.url)).toEqual(await countPlannerRows(source.url));
    expect(await fingerprint(target.url)).toBe(await fingerprint(source.url));
  });

  it('reproduces the row counts from a plain dump', async () => {
    await execute(target.url, 'DELETE FROM events; DELETE FROM tasks WHERE id > 10');
    const run = await runRunner(['restore', '--backup-id', 'plain-1', '--storage-path', folder], env(target.url));

    expect(run.code).toBe(0);
    expect(await countPlannerRows(target.url)).toEqual(await countPlannerRows(source.url));
  });

  it('restores the newest backup for latest', async () => {
    const run = await runRunner(['restore', '--backup-id', 'latest', '--storage-path', folder], env(target.url));

    expect(run.code).toBe(0);
    expect(run.result?.backupId).toBe('plain-1');
  });

  it('rejects a corrupted dump before touching the database', async () => {
    const corrupted = join(folder, 'corrupt');
    await execute(target.url, "UPDATE tasks SET title = 'changed after backup' WHERE id = 1");
    const before = await fingerprint(target.url);
    await runRunner(['backup', '--app', 'shop', '--backup-id', 'c-1', '--storage-path', corrupted], env(source.url));
    const dumpPath = join(corrupted, 'c-1.dump');
    const dump = await readFile(dumpPath);
    const middle = Math.floor(dump.length / 2);
    dump.writeUInt8((dump.readUInt8(middle) ^ 0xff) & 0xff, middle);
    await writeFile(dumpPath, dump);

    const run = await runRunner(['restore', '--backup-id', 'c-1', '--storage-path', corrupted], env(target.url));

    expect(run.code).toBe(6);
    expect(run.result).toMatchObject({ status: 'Failed', reason: 'VerificationFailed', backupId: 'c-1' });
    expect(String(run.result?.message)).toContain('does not match');
    expect(run.stderr).not.toContain('"Dump restored"');
    expect(await fingerprint(target.url)).toBe(before);
  });

  it('leaves the database unchanged when the restore fails midway', async () => {
    // The event trigger rejects CREATE INDEX, which pg_restore runs after it has dropped and reloaded the tables.
    await execute(
      target.url,
      `CREATE TABLE local_notes (id int); INSERT INTO local_notes VALUES (1);
       UPDATE tasks SET title = 'changed again' WHERE id = 2;
       CREATE FUNCTION reject_index() RETURNS event_trigger LANGUAGE plpgsql AS
         $$ BEGIN RAISE EXCEPTION 'index creation is disabled here'; END $$;
       CREATE EVENT TRIGGER no_indexes ON ddl_command_end WHEN TAG IN ('CREATE INDEX') EXECUTE FUNCTION reject_index();`,
    );
    const before = await fingerprint(target.url);
    const countsBefore = await countPlannerRows(target.url);

    const run = await runRunner(['restore', '--backup-id', 'custom-1', '--storage-path', folder], env(target.url));

    expect(run.code).toBe(7);
    expect(run.result).toMatchObject({ status: 'Failed', reason: 'RestoreFailed' });
    expect(String(run.result?.message)).toContain('index creation is disabled here');
    expect(String(run.result?.message)).toContain('rolled back');
    expect(await fingerprint(target.url)).toBe(before);
    expect(await countPlannerRows(target.url)).toEqual(countsBefore);
    await execute(target.url, 'DROP EVENT TRIGGER no_indexes');
  });

  it('reports a missing backup', async () => {
    const run = await runRunner(['restore', '--backup-id', 'nope-1', '--storage-path', folder], env(target.url));

    expect(run.code).toBe(8);
    expect(run.result).toMatchObject({ reason: 'BackupNotFound' });
    expect(String(run.result?.hint)).toContain('planner-backup list');
  });

  it('verifies a stored backup without a database', async () => {
    const run = await runRunner(['verify', '--backup-id', 'custom-1', '--storage-path', folder], {
      PG_BINDIR: testPgBinDir(),
    });

    expect(run.code).toBe(0);
    expect(run.result).toMatchObject({ command: 'verify', status: 'Succeeded', backupId: 'custom-1' });
    expect(run.result?.tocEntries).toEqual(expect.any(Number));
  });
});
