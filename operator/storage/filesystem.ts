import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import {
  assertValidKey,
  StorageError,
  type BackupStorage,
  type ObjectWriter,
  type StorageErrorCode,
  type StoredObject,
} from './storage.ts';

/** Suffix of the temporary files that hold objects until they are committed. */
const partialSuffix = '.partial';

/** Size of the one buffer that {@link FilesystemStorage.scan} reads a file through. */
const scanBufferBytes = 1024 * 1024;

function errorCode(error: unknown): StorageErrorCode {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return 'NotFound';
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
    case 'ENOTDIR':
    case 'EEXIST':
      return 'AccessDenied';
    case 'ENOSPC':
    case 'EDQUOT':
    case 'EFBIG':
      return 'NoSpace';
    default:
      return 'Failed';
  }
}

function wrap(action: string, path: string, error: unknown): StorageError {
  if (error instanceof StorageError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new StorageError(errorCode(error), `${action} ${path} failed: ${reason}`, { cause: error });
}

/** Flushes a file or folder to disk so a rename survives a crash of the node. */
async function syncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Storage in a folder of the local filesystem, normally a PersistentVolumeClaim
 * mounted into the Job's pod. Objects are written to a hidden `.KEY.RANDOM.partial`
 * file, flushed to disk and renamed to KEY, so a reader never sees a partial object.
 */
export class FilesystemStorage implements BackupStorage {
  readonly root: string;
  readonly location: string;

  constructor(root: string) {
    this.root = resolve(root);
    this.location = pathToFileURL(this.root).href;
  }

  private pathOf(key: string): string {
    assertValidKey(key);
    return join(this.root, key);
  }

  async createWriter(key: string): Promise<ObjectWriter> {
    const finalPath = this.pathOf(key);
    const partialPath = join(this.root, `.${key}.${randomBytes(6).toString('hex')}${partialSuffix}`);
    try {
      await mkdir(this.root, { recursive: true });
    } catch (error) {
      throw wrap('creating the storage folder', this.root, error);
    }
    const stream = createWriteStream(partialPath, { flags: 'wx', mode: 0o640 });
    await new Promise<void>((resolveOpen, rejectOpen) => {
      stream.once('open', () => resolveOpen());
      stream.once('error', (error) => rejectOpen(wrap('creating', partialPath, error)));
    });
    let settled = false;
    return {
      stream,
      commit: async () => {
        try {
          stream.end();
          await finished(stream);
          await syncPath(partialPath);
          await rename(partialPath, finalPath);
          await syncPath(this.root);
          settled = true;
        } catch (error) {
          throw wrap('writing', finalPath, error);
        }
      },
      abort: async () => {
        if (settled) return;
        settled = true;
        stream.destroy();
        await unlink(partialPath).catch(() => undefined);
      },
    };
  }

  async read(key: string): Promise<Readable> {
    const path = this.pathOf(key);
    const stream = createReadStream(path);
    await new Promise<void>((resolveOpen, rejectOpen) => {
      stream.once('open', () => resolveOpen());
      stream.once('error', (error) => rejectOpen(wrap('reading', path, error)));
    });
    return stream;
  }

  async scan(key: string, visit: (chunk: Buffer) => void): Promise<void> {
    const path = this.pathOf(key);
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      throw wrap('reading', path, error);
    }
    try {
      // One buffer for the whole file: createReadStream would allocate a new
      // one per read, and those linger until V8 collects them.
      const buffer = Buffer.allocUnsafeSlow(scanBufferBytes);
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
        if (bytesRead === 0) break;
        visit(buffer.subarray(0, bytesRead));
      }
    } catch (error) {
      throw wrap('reading', path, error);
    } finally {
      await handle.close().catch(() => undefined);
    }
  }

  async readText(key: string): Promise<string> {
    const path = this.pathOf(key);
    try {
      return await readFile(path, 'utf8');
    } catch (error) {
      throw wrap('reading', path, error);
    }
  }

  async writeText(key: string, text: string): Promise<void> {
    const writer = await this.createWriter(key);
    try {
      writer.stream.write(text);
      await writer.commit();
    } catch (error) {
      await writer.abort();
      throw error;
    }
  }

  async stat(key: string): Promise<StoredObject | undefined> {
    const path = this.pathOf(key);
    try {
      const info = await stat(path);
      return { key, size: info.size, modifiedAt: info.mtime };
    } catch (error) {
      if (errorCode(error) === 'NotFound') return undefined;
      throw wrap('reading the size of', path, error);
    }
  }

  private async listFiles(): Promise<StoredObject[]> {
    let names: string[];
    try {
      const entries = await readdir(this.root, { withFileTypes: true });
      names = entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
    } catch (error) {
      if (errorCode(error) === 'NotFound') return [];
      throw wrap('listing', this.root, error);
    }
    const objects: StoredObject[] = [];
    for (const name of names) {
      try {
        const info = await stat(join(this.root, name));
        objects.push({ key: name, size: info.size, modifiedAt: info.mtime });
      } catch (error) {
        // A file deleted between readdir and stat is simply gone.
        if (errorCode(error) !== 'NotFound') throw wrap('reading the size of', join(this.root, name), error);
      }
    }
    return objects;
  }

  async list(): Promise<StoredObject[]> {
    return (await this.listFiles()).filter((object) => !object.key.startsWith('.'));
  }

  async listIncomplete(olderThan: Date): Promise<StoredObject[]> {
    return (await this.listFiles()).filter(
      (object) => object.key.startsWith('.') && object.key.endsWith(partialSuffix) && object.modifiedAt < olderThan,
    );
  }

  async removeIncomplete(objects: readonly StoredObject[]): Promise<void> {
    for (const object of objects) {
      if (!object.key.startsWith('.') || !object.key.endsWith(partialSuffix)) continue;
      await unlink(join(this.root, object.key)).catch((error: unknown) => {
        if (errorCode(error) !== 'NotFound') throw wrap('deleting', join(this.root, object.key), error);
      });
    }
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    try {
      await unlink(path);
    } catch (error) {
      if (errorCode(error) !== 'NotFound') throw wrap('deleting', path, error);
    }
  }
}
