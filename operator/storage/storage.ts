import type { Readable, Writable } from 'node:stream';

/**
 * A stored object being written. Bytes written to `stream` stay invisible under
 * the object's key until `commit` publishes them in one step; `abort` discards them.
 */
export interface ObjectWriter {
  /** Destination of the object's bytes. Do not end it: `commit` does. */
  readonly stream: Writable;
  /** Ends the stream and publishes the object under its key, replacing any older one. */
  commit(): Promise<void>;
  /** Discards everything written so far. Safe to call after a failed commit and twice. */
  abort(): Promise<void>;
}

/** An object found by {@link BackupStorage.list}. */
export interface StoredObject {
  /** Key relative to the storage location, with `/` separators. */
  readonly key: string;
  readonly size: number;
  readonly modifiedAt: Date;
  /** Id of an unfinished S3 multipart upload, set only by `listIncomplete` of S3 storage. */
  readonly uploadId?: string;
}

/**
 * A place where backups are kept: a folder on a mounted volume or a bucket
 * prefix on S3. Keys are relative to that location and never start with `/`.
 */
export interface BackupStorage {
  /** Human-readable location, for example `file:///backups/nightly` or `s3://bucket/prefix/`. */
  readonly location: string;
  /** Starts writing an object; nothing is visible under `key` before `commit`. */
  createWriter(key: string): Promise<ObjectWriter>;
  /** Opens an object for reading; throws {@link StorageError} with code `NotFound` when it is missing. */
  read(key: string): Promise<Readable>;
  /**
   * Reads an object from start to end and hands each chunk to `visit`, for
   * checksums. A chunk is valid only during the call: storage may reuse its
   * memory for the next one, so a long read does not leave a trail of buffers
   * for the garbage collector. Throws like {@link read}.
   */
  scan(key: string, visit: (chunk: Buffer) => void): Promise<void>;
  /** Reads a small object whole, for manifests. */
  readText(key: string): Promise<string>;
  /** Writes a small object atomically, for manifests. */
  writeText(key: string, text: string): Promise<void>;
  /** Returns the size of an object, or undefined when it does not exist. */
  stat(key: string): Promise<StoredObject | undefined>;
  /** Lists the published objects directly under the location (no sub-folders). */
  list(): Promise<StoredObject[]>;
  /**
   * Lists leftovers of interrupted writes (temporary files, unfinished multipart
   * uploads) that started before `olderThan`.
   */
  listIncomplete(olderThan: Date): Promise<StoredObject[]>;
  /** Removes leftovers found by {@link listIncomplete}; missing ones are ignored. */
  removeIncomplete(objects: readonly StoredObject[]): Promise<void>;
  /** Deletes an object; deleting a missing object succeeds, so a repeated prune is harmless. */
  delete(key: string): Promise<void>;
}

/** Why a storage operation failed. */
export type StorageErrorCode = 'NotFound' | 'AccessDenied' | 'NoSpace' | 'Failed';

/** A failed storage operation, with the key and location it was about. */
export class StorageError extends Error {
  readonly code: StorageErrorCode;

  constructor(code: StorageErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageError';
    this.code = code;
  }
}

/** Rejects keys that could escape the storage location or name a folder. */
export function assertValidKey(key: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(key) || key.includes('..')) {
    throw new StorageError(
      'Failed',
      `invalid object key ${JSON.stringify(key)}: use letters, digits, '.', '_' and '-'`,
    );
  }
}
