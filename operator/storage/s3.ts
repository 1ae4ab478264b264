import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { PassThrough, Readable } from 'node:stream';
import {
  assertValidKey,
  StorageError,
  type BackupStorage,
  type ObjectWriter,
  type StorageErrorCode,
  type StoredObject,
} from './storage.ts';

/** Where and how to reach an S3 bucket. Credentials come from the SDK's default chain (AWS_* variables). */
export interface S3StorageOptions {
  readonly bucket: string;
  /** Key prefix inside the bucket; a trailing `/` is added when missing. Empty means the bucket's top. */
  readonly prefix: string;
  /** Endpoint URL of an S3-compatible service; omit it for AWS itself. */
  readonly endpoint?: string;
  readonly region: string;
  /** Addresses buckets as `endpoint/bucket` instead of `bucket.endpoint`, as most S3-compatible servers need. */
  readonly forcePathStyle: boolean;
  /** Size of one multipart part in bytes (at least 5 MiB). The largest object is 10,000 parts. */
  readonly partSizeBytes: number;
  /** Parts uploaded at once. Memory held for a stream is about partSizeBytes × (queueSize + 1). */
  readonly queueSize: number;
}

function errorCode(error: unknown): StorageErrorCode {
  const named = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  const status = named.$metadata?.httpStatusCode;
  if (named.name === 'NoSuchKey' || named.name === 'NotFound' || status === 404) return 'NotFound';
  if (
    named.name === 'AccessDenied' ||
    named.name === 'InvalidAccessKeyId' ||
    named.name === 'SignatureDoesNotMatch' ||
    status === 403
  ) {
    return 'AccessDenied';
  }
  if (named.name === 'EntityTooLarge' || named.name === 'QuotaExceeded') return 'NoSpace';
  return 'Failed';
}

/**
 * Storage under a prefix of an S3 bucket. Streams are sent with a multipart
 * upload that is completed only by `commit`, so an aborted or crashed run never
 * creates the object. Unfinished uploads are listed by `listIncomplete`.
 */
export class S3Storage implements BackupStorage {
  readonly location: string;
  private readonly client: S3Client;
  private readonly options: S3StorageOptions;
  private readonly prefix: string;

  constructor(options: S3StorageOptions, client?: S3Client) {
    this.options = options;
    this.prefix = options.prefix === '' || options.prefix.endsWith('/') ? options.prefix : `${options.prefix}/`;
    this.location = `s3://${options.bucket}/${this.prefix}`;
    this.client =
      client ??
      new S3Client({
        region: options.region,
        forcePathStyle: options.forcePathStyle,
        ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
        // Many S3-compatible servers reject the CRC checksums that newer SDKs add by default.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      });
  }

  private keyOf(key: string): string {
    assertValidKey(key);
    return `${this.prefix}${key}`;
  }

  private wrap(action: string, key: string, error: unknown): StorageError {
    if (error instanceof StorageError) return error;
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return new StorageError(errorCode(error), `${action} ${this.location}${key} failed: ${reason}`, {
      cause: error,
    });
  }

  async createWriter(key: string): Promise<ObjectWriter> {
    const body = new PassThrough();
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.options.bucket, Key: this.keyOf(key), Body: body },
      partSize: this.options.partSizeBytes,
      queueSize: this.options.queueSize,
      leavePartsOnError: false,
    });
    const done = upload.done();
    // A failed part stops the upload; destroying the body makes the writer's pipeline fail instead of stalling.
    done.catch((error: unknown) => body.destroy(this.wrap('uploading', key, error)));
    let settled = false;
    return {
      stream: body,
      commit: async () => {
        body.end();
        try {
          await done;
          settled = true;
        } catch (error) {
          throw this.wrap('uploading', key, error);
        }
      },
      abort: async () => {
        if (settled) return;
        settled = true;
        await upload.abort().catch(() => undefined);
        body.destroy();
      },
    };
  }

  async read(key: string): Promise<Readable> {
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: this.options.bucket, Key: this.keyOf(key) }),
      );
      if (!(response.Body instanceof Readable)) throw new Error('the response has no readable body');
      return response.Body;
    } catch (error) {
      throw this.wrap('reading', key, error);
    }
  }

  async scan(key: string, visit: (chunk: Buffer) => void): Promise<void> {
    const body = await this.read(key);
    try {
      for await (const chunk of body as AsyncIterable<Buffer>) visit(chunk);
    } catch (error) {
      throw this.wrap('reading', key, error);
    }
  }

  async readText(key: string): Promise<string> {
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: this.options.bucket, Key: this.keyOf(key) }),
      );
      if (response.Body === undefined) throw new Error('the response has no body');
      return await response.Body.transformToString('utf8');
    } catch (error) {
      throw this.wrap('reading', key, error);
    }
  }

  async writeText(key: string, text: string): Promise<void> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.options.bucket,
          Key: this.keyOf(key),
          Body: text,
          ContentType: 'application/json',
        }),
      );
    } catch (error) {
      throw this.wrap('writing', key, error);
    }
  }

  async stat(key: string): Promise<StoredObject | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.keyOf(key) }));
      return { key, size: head.ContentLength ?? 0, modifiedAt: head.LastModified ?? new Date(0) };
    } catch (error) {
      if (errorCode(error) === 'NotFound') return undefined;
      throw this.wrap('reading the size of', key, error);
    }
  }

  async list(): Promise<StoredObject[]> {
    const objects: StoredObject[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.options.bucket,
            Prefix: this.prefix,
            Delimiter: '/',
            ContinuationToken: token,
          }),
        );
        for (const item of page.Contents ?? []) {
          if (item.Key === undefined) continue;
          objects.push({
            key: item.Key.slice(this.prefix.length),
            size: item.Size ?? 0,
            modifiedAt: item.LastModified ?? new Date(0),
          });
        }
        token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
    } catch (error) {
      throw this.wrap('listing', '', error);
    }
    return objects;
  }

  async listIncomplete(olderThan: Date): Promise<StoredObject[]> {
    const uploads: StoredObject[] = [];
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new ListMultipartUploadsCommand({
            Bucket: this.options.bucket,
            Prefix: this.prefix,
            KeyMarker: keyMarker,
            UploadIdMarker: uploadIdMarker,
          }),
        );
        for (const item of page.Uploads ?? []) {
          if (item.Key === undefined || item.UploadId === undefined) continue;
          const initiated = item.Initiated ?? new Date(0);
          if (initiated >= olderThan) continue;
          uploads.push({
            key: item.Key.slice(this.prefix.length),
            size: 0,
            modifiedAt: initiated,
            uploadId: item.UploadId,
          });
        }
        const more = page.IsTruncated === true;
        keyMarker = more ? page.NextKeyMarker : undefined;
        uploadIdMarker = more ? page.NextUploadIdMarker : undefined;
      } while (keyMarker !== undefined);
    } catch (error) {
      throw this.wrap('listing the unfinished uploads of', '', error);
    }
    return uploads;
  }

  async removeIncomplete(objects: readonly StoredObject[]): Promise<void> {
    for (const object of objects) {
      if (object.uploadId === undefined) continue;
      try {
        await this.client.send(
          new AbortMultipartUploadCommand({
            Bucket: this.options.bucket,
            Key: `${this.prefix}${object.key}`,
            UploadId: object.uploadId,
          }),
        );
      } catch (error) {
        const name = (error as { name?: string }).name;
        if (name !== 'NoSuchUpload' && errorCode(error) !== 'NotFound') {
          throw this.wrap('aborting the unfinished upload of', object.key, error);
        }
      }
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.keyOf(key) }));
    } catch (error) {
      if (errorCode(error) !== 'NotFound') throw this.wrap('deleting', key, error);
    }
  }
}
