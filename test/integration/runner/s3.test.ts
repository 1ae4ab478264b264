import { ListMultipartUploadsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createFileDatabase, testPgBinDir } from '../../harness/context.ts';
import type { TestDatabase } from '../../harness/postgres.ts';
import { waitFor } from '../../harness/processes.ts';
import { startS3Server, type S3Server } from '../../harness/s3.ts';
import { countPlannerRows, execute, query, runRunner, seedPlannerData, startRunner } from './runner.ts';

describe('planner-backup on S3', () => {
  let server: S3Server;
  let source: TestDatabase;
  let target: TestDatabase;
  let client: S3Client;

  beforeAll(async () => {
    server = await startS3Server();
    client = new S3Client({
      endpoint: server.endpoint,
      region: server.region,
      forcePathStyle: true,
      credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    });
    source = await createFileDatabase('runner_s3_source');
    target = await createFileDatabase('runner_s3_target');
    // About 16 MB of hex notes compress to a dump of about 10 MB: two 5 MiB parts.
    await seedPlannerData(source.url, 16_000, 1000);
  }, 600_000);

  afterAll(async () => {
    client.destroy();
    await source.drop();
    await target.drop();
    await server.stop();
  });

  const storageEnv = (prefix: string) => ({
    PLANNER_S3_BUCKET: server.bucket,
    PLANNER_S3_PREFIX: prefix,
    PLANNER_S3_ENDPOINT: server.endpoint,
    PLANNER_S3_REGION: server.region,
    PLANNER_S3_FORCE_PATH_STYLE: 'true',
    PLANNER_S3_PART_SIZE_MIB: '5',
    AWS_ACCESS_KEY_ID: server.accessKeyId,
    AWS_SECRET_ACCESS_KEY: server.secretAccessKey,
    PG_BINDIR: testPgBinDir(),
  });

  async function keys(prefix: string): Promise<string[]> {
    const page = await client.send(new ListObjectsV2Command({ Bucket: server.bucket, Prefix: `${prefix}/` }));
    return (page.Contents ?? []).map((item) => item.Key ?? '').sort();
  }

  async function unfinishedUploads(prefix: string): Promise<number> {
    const page = await client.send(new ListMultipartUploadsCommand({ Bucket: server.bucket, Prefix: `${prefix}/` }));
    return page.Uploads?.length ?? 0;
  }

  it('backs up with a multipart upload and restores', async () => {
    const backup = await runRunner(['backup', '--app', 'shop', '--backup-id', 's3-1'], {
      ...storageEnv('ns/shop'),
      DATABASE_URL: source.url,
    });

    expect(backup.code).toBe(0);
    expect(backup.result).toMatchObject({ status: 'Succeeded', location: `s3://${server.bucket}/ns/shop/` });
    expect(Number(backup.result?.size)).toBeGreaterThan(5 * 1024 * 1024);
    expect(await keys('ns/shop')).toEqual(['ns/shop/s3-1.dump', 'ns/shop/s3-1.manifest.json']);

    const verify = await runRunner(['verify', '--backup-id', 's3-1'], storageEnv('ns/shop'));
    expect(verify.code).toBe(0);
    expect(verify.result?.sha256).toBe(backup.result?.sha256);

    const restore = await runRunner(['restore', '--backup-id', 'latest'], {
      ...storageEnv('ns/shop'),
      DATABASE_URL: target.url,
    });
    expect(restore.code).toBe(0);
    expect(await countPlannerRows(target.url)).toEqual(await countPlannerRows(source.url));

    const list = await runRunner(['list'], storageEnv('ns/shop'));
    expect((JSON.parse(list.stdout) as { id: string }[]).map((entry) => entry.id)).toEqual(['s3-1']);
  }, 120_000);

  it('aborts the upload when pg_dump fails midway', async () => {
    const started = await startRunner(['backup', '--app', 'shop', '--backup-id', 'cut-1'], {
      ...storageEnv('cut'),
      DATABASE_URL: source.url,
    });
    const admin = source.url;
    await waitFor(
      async () => {
        const rows = await query<{ pid: number }>(
          admin,
          "SELECT pid FROM pg_stat_activity WHERE application_name = 'planner-backup' AND query LIKE 'COPY %'",
        );
        if (rows.length === 0) return undefined;
        await execute(admin, `SELECT pg_terminate_backend(${rows[0]?.pid ?? 0})`);
        return true;
      },
      { description: 'pg_dump to copy table data', timeoutMs: 20_000, intervalMs: 10 },
    );
    const run = await started.done;

    expect(run.code).toBe(4);
    expect(run.result).toMatchObject({ reason: 'DumpFailed', backupId: 'cut-1' });
    expect(await keys('cut')).toEqual([]);
    expect(await unfinishedUploads('cut')).toBe(0);
  }, 60_000);

  it('fails with wrong credentials', async () => {
    const run = await runRunner(['backup', '--app', 'shop', '--backup-id', 'denied-1'], {
      ...storageEnv('denied'),
      AWS_SECRET_ACCESS_KEY: 'wrong-secret',
      DATABASE_URL: source.url,
    });

    expect(run.code).toBe(5);
    expect(run.result).toMatchObject({ reason: 'StorageFailed' });
    expect(await keys('denied')).toEqual([]);
  }, 60_000);

  it('prunes expired backups', async () => {
    for (const id of ['p-1', 'p-2']) {
      const run = await runRunner(['backup', '--app', 'shop', '--backup-id', id], {
        ...storageEnv('prune'),
        DATABASE_URL: target.url,
      });
      expect(run.code).toBe(0);
    }
    const run = await runRunner(['prune', '--keep-last', '1'], storageEnv('prune'));

    expect(run.code).toBe(0);
    expect(run.result?.deleted).toEqual(['p-1']);
    expect(await keys('prune')).toEqual(['prune/p-2.dump', 'prune/p-2.manifest.json']);
  }, 120_000);
});
