import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import type winston from 'winston';

/**
 * A pass-through stream that computes the sha256 and the size of what flows
 * through it, and keeps the last bytes for a check of the dump's ending.
 */
export class DigestStream extends Transform {
  private readonly hash: Hash = createHash('sha256');
  private tailBuffer: Buffer = Buffer.alloc(0);
  private digestHex: string | undefined;
  bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.tailBuffer = Buffer.concat([this.tailBuffer, chunk.subarray(-256)]).subarray(-256);
    callback(null, chunk);
  }

  /** Hex sha256 of all bytes seen; call it once the stream has ended. */
  sha256(): string {
    this.digestHex ??= this.hash.digest('hex');
    return this.digestHex;
  }

  /** The last 256 bytes seen, as text. */
  tail(): string {
    return this.tailBuffer.toString('utf8');
  }
}

/**
 * Logs the bytes written so far and the rate every `intervalMs`, until the
 * returned function is called. The rate is over the last interval; the average is since the start.
 */
export function startProgressLog(
  logger: winston.Logger,
  message: string,
  readBytes: () => number,
  intervalMs: number,
): () => void {
  const startedAt = Date.now();
  let lastBytes = 0;
  let lastAt = startedAt;
  const timer = setInterval(() => {
    const now = Date.now();
    const bytes = readBytes();
    const elapsedSeconds = (now - startedAt) / 1000;
    logger.info(message, {
      bytes,
      bytesPerSecond: Math.round(((bytes - lastBytes) * 1000) / Math.max(1, now - lastAt)),
      averageBytesPerSecond: Math.round(bytes / Math.max(0.001, elapsedSeconds)),
      elapsedSeconds: Math.round(elapsedSeconds * 10) / 10,
    });
    lastBytes = bytes;
    lastAt = now;
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
