import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { FilesystemStorage } from './filesystem.ts';
import { StorageError } from './storage.ts';

describe('FilesystemStorage.scan', () => {
  let folder: string;

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'planner-scan-'));
  });

  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('passes a large file in order', async () => {
    const content = randomBytes(3 * 1024 * 1024 + 123);
    await writeFile(join(folder, 'a.dump'), content);
    const hash = createHash('sha256');
    let bytes = 0;
    let chunks = 0;
    await new FilesystemStorage(folder).scan('a.dump', (chunk) => {
      hash.update(chunk);
      bytes += chunk.length;
      chunks += 1;
    });
    expect(bytes).toBe(content.length);
    expect(chunks).toBeGreaterThan(1);
    expect(hash.digest('hex')).toBe(createHash('sha256').update(content).digest('hex'));
  });

  it('passes nothing for empty file', async () => {
    await writeFile(join(folder, 'empty.dump'), '');
    let chunks = 0;
    await new FilesystemStorage(folder).scan('empty.dump', () => {
      chunks += 1;
    });
    expect(chunks).toBe(0);
  });

  it('rejects missing key as NotFound', async () => {
    const error = await new FilesystemStorage(folder).scan('missing.dump', () => undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).code).toBe('NotFound');
  });
});
