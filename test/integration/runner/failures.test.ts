import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, startPostgres, type PostgresServer, type TestDatabase } from '../../harness/postgres.ts';
import { waitFor } from '../../harness/processes.ts';
import { listFolder, query, runRunner, seedPlannerData, startRunner } from './runner.ts';

/** Polls the server until pg_dump (application name planner-backup) is copying table data. */
async function waitForDumpCopy(adminUrl: string): Promise<void> {
  await waitFor(
    async () => {
      const rows = await query<{ pid: number }>(
        adminUrl,
        "SELECT pid FROM pg_stat_activity WHERE application_name = 'planner-backup' AND query LIKE 'COPY %'",
      );
      return rows.length > 0 ? true : undefined;
    },
    { description: 'pg_dump to start copying table data', timeoutMs: 20_000, intervalMs: 10 },
  );
}

describe('planner-backup failures midway', () => {
  let server: PostgresServer;
  let database: TestDatabase;
  let folder: string;

  beforeAll(async () => {
    server = await startPostgres();
    database = await createTestDatabase(server.url, 'runner_killed');
    // About 40 MB of incompressible notes, so the dump is still running when the server dies.
    await seedPlannerData(database.url, 40_000, 1000);
    folder = await mkdtemp(join(tmpdir(), 'planner-failures-'));
  }, 120_000);

  afterAll(async () => {
    await server.stop();
    await rm(folder, { recursive: true, force: true });
  });

  it('leaves nothing published when the storage is full', async () => {
    // A 1 MiB tmpfs fills up long before the dump of about 40 MB is written.
    const storage = join(folder, 'full');
    await mkdir(storage);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', storage]);
    try {
      const run = await runRunner(['backup', '--app', 'shop', '--backup-id', 'full-1', '--storage-path', storage], {
        DATABASE_URL: database.url,
        PG_BINDIR: server.binDir,
      });

      expect(run.code).toBe(5);
      expect(run.result).toMatchObject({ status: 'Failed', reason: 'StorageFailed', backupId: 'full-1' });
      expect(String(run.result?.message)).toContain('ENOSPC');
      expect(String(run.result?.hint)).toContain('free space');
      expect(await listFolder(storage)).toEqual([]);
    } finally {
      execFileSync('umount', [storage]);
    }
  }, 60_000);

  it('leaves nothing published when the server is killed', async () => {
    const storage = join(folder, 'killed');
    const started = await startRunner(
      ['backup', '--app', 'shop', '--backup-id', 'killed-1', '--storage-path', storage],
      {
        DATABASE_URL: database.url,
        PG_BINDIR: server.binDir,
      },
    );
    await waitForDumpCopy(server.url);
    // SIGQUIT is PostgreSQL's immediate shutdown: every backend exits at once, as in a crash.
    server.process.child.kill('SIGQUIT');
    const run = await started.done;

    expect(run.code).toBe(4);
    expect(run.result).toMatchObject({ status: 'Failed', reason: 'DumpFailed', exitCode: 4 });
    expect(String(run.result?.message)).toContain('pg_dump exited with code');
    expect(String(run.result?.hint)).toContain('database stayed reachable');
    expect(await listFolder(storage)).toEqual([]);
  }, 60_000);
});
