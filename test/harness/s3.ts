import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { cacheDir, repositoryRoot } from './paths.ts';
import { findFreePort, startProcess, waitFor } from './processes.ts';
import { createRunDirectory } from './run-directory.ts';

/** A private S3-compatible server (SeaweedFS `weed mini`) on 127.0.0.1 with one bucket. */
export interface S3Server {
  /** Endpoint URL, for example http://127.0.0.1:40123; use path-style addressing. */
  readonly endpoint: string;
  readonly region: string;
  readonly bucket: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly logFile: string;
  /** Stops the server and removes its data folder. */
  stop(): Promise<void>;
}

/** Returns the path of the weed program, building it with scripts/setup-tools.sh when missing. */
function ensureWeed(): string {
  const path = join(cacheDir, 'bin', 'weed');
  if (!existsSync(path))
    execFileSync('bash', [join(repositoryRoot, 'scripts', 'setup-tools.sh')], { stdio: 'inherit' });
  if (!existsSync(path))
    throw new Error(`weed is missing from ${path} after scripts/setup-tools.sh; see its output above`);
  return path;
}

/** Finds `count` distinct free ports. */
async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await findFreePort());
  return [...ports];
}

/**
 * Starts SeaweedFS in its all-in-one mode with S3 on a free loopback port, a
 * temporary data folder, one access key and the bucket `bucket`. Every
 * component listens on its own free port on 127.0.0.1, so several servers can
 * run side by side. Waits until a HEAD request on the bucket succeeds.
 */
export async function startS3Server(bucket = 'planner-backups'): Promise<S3Server> {
  const weed = ensureWeed();
  const run = await createRunDirectory('s3');
  const logFile = join(run.path, 'weed.log');
  const accessKeyId = 'planner-test';
  const secretAccessKey = 'planner-test-secret-key';
  const configFile = join(run.path, 's3.json');
  await writeFile(
    configFile,
    JSON.stringify({
      identities: [
        {
          name: 'planner',
          credentials: [{ accessKey: accessKeyId, secretKey: secretAccessKey }],
          actions: ['Admin', 'Read', 'Write', 'List', 'Tagging'],
        },
      ],
    }),
  );
  const [master, masterGrpc, volume, volumeGrpc, filer, filerGrpc, s3, s3Grpc, admin, adminGrpc, iceberg, lance] =
    await freePorts(12);
  const args = [
    'mini',
    `-dir=${join(run.path, 'data')}`,
    '-ip=127.0.0.1',
    '-ip.bind=127.0.0.1',
    `-master.port=${master}`,
    `-master.port.grpc=${masterGrpc}`,
    '-master.volumeSizeLimitMB=64',
    '-master.telemetry=false',
    `-volume.port=${volume}`,
    `-volume.port.grpc=${volumeGrpc}`,
    `-filer.port=${filer}`,
    `-filer.port.grpc=${filerGrpc}`,
    `-s3.port=${s3}`,
    `-s3.port.grpc=${s3Grpc}`,
    `-s3.port.iceberg=${iceberg}`,
    `-s3.port.lance=${lance}`,
    `-s3.config=${configFile}`,
    `-admin.port=${admin}`,
    `-admin.port.grpc=${adminGrpc}`,
    '-admin.port.legacy=0',
    '-admin.ui=false',
    '-webdav=false',
    `-bucket=${bucket}`,
  ];
  await mkdir(join(run.path, 'data'));
  const server = startProcess('weed', weed, args, logFile);
  await run.trackPid(server.child.pid);
  const endpoint = `http://127.0.0.1:${s3}`;
  const region = 'us-east-1';
  const client = new S3Client({
    endpoint,
    region,
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
  });
  try {
    await waitFor(
      async () => {
        await client.send(new HeadBucketCommand({ Bucket: bucket }));
        return true;
      },
      { description: `SeaweedFS S3 on ${endpoint}`, timeoutMs: 60_000, intervalMs: 250, process: server },
    );
  } catch (error) {
    await server.stop(5_000);
    await run.remove();
    throw error;
  } finally {
    client.destroy();
  }
  return {
    endpoint,
    region,
    bucket,
    accessKeyId,
    secretAccessKey,
    logFile,
    async stop() {
      await server.stop(10_000);
      await run.remove();
    },
  };
}
