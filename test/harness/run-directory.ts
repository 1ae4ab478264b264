import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Every harness run keeps its data folders, logs and certificates in one
 * folder under this root. A run that was killed before it could clean up is
 * found by its dead owner PID and removed by the next run.
 */
const runsRoot = join(tmpdir(), 'planner-harness');

/** The record kept in each run folder so that a later run can reap it. */
interface RunRecord {
  ownerPid: number;
  childPids: number[];
}

/** A folder that belongs to one harness run, with the PIDs it started. */
export interface RunDirectory {
  readonly path: string;
  /** Records a child PID so a later run can kill it if this run dies uncleanly. */
  trackPid(pid: number | undefined): Promise<void>;
  /** Removes the folder and its contents. */
  remove(): Promise<void>;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function readRecord(path: string): Promise<RunRecord | undefined> {
  try {
    return JSON.parse(await readFile(join(path, 'run.json'), 'utf8')) as RunRecord;
  } catch {
    return undefined;
  }
}

/** Kills the processes and removes the folders of earlier runs whose owner has died. */
export async function reapStaleRuns(): Promise<void> {
  await mkdir(runsRoot, { recursive: true });
  for (const entry of await readdir(runsRoot)) {
    const path = join(runsRoot, entry);
    const record = await readRecord(path);
    if (record === undefined || isAlive(record.ownerPid)) continue;
    for (const pid of record.childPids) {
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
    await rm(path, { recursive: true, force: true });
  }
}

/** Creates a fresh run folder owned by this process. */
export async function createRunDirectory(prefix: string): Promise<RunDirectory> {
  await reapStaleRuns();
  const path = await mkdtemp(join(runsRoot, `${prefix}-`));
  const record: RunRecord = { ownerPid: process.pid, childPids: [] };
  const save = (): Promise<void> => writeFile(join(path, 'run.json'), JSON.stringify(record));
  await save();
  return {
    path,
    async trackPid(pid) {
      if (pid === undefined) return;
      record.childPids.push(pid);
      await save();
    },
    async remove() {
      await rm(path, { recursive: true, force: true });
    },
  };
}
