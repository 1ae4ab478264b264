import { writeFile } from 'node:fs/promises';
import { exitCodes, type FailureReason } from './errors.ts';

/** The kubelet keeps at most 4096 bytes of a container's termination message and drops the rest. */
export const terminationMessageLimit = 4096;

/** Default termination message path of a Kubernetes container. */
export const defaultTerminationMessagePath = '/dev/termination-log';

/** The JSON document a command writes to the termination message path and prints last on stdout. */
export interface RunResult {
  /** Format version of this document. */
  readonly version: 1;
  readonly command: 'backup' | 'restore' | 'prune' | 'verify' | 'delete';
  readonly status: 'Succeeded' | 'Failed';
  /** Process exit code: 0, or the code of `reason`. */
  readonly exitCode: number;
  readonly reason?: FailureReason;
  /** What failed, on which object, in one or two sentences. */
  readonly message?: string;
  /** What to do about the failure. */
  readonly hint?: string;
  readonly startedAt: string;
  readonly completedAt: string;
  readonly durationSeconds: number;
  /** Command-specific fields, described in docs/runner.md. */
  readonly [field: string]: unknown;
}

/** Builds a failed result from a reason and message. */
export function failureFields(reason: FailureReason, message: string, hint: string | undefined) {
  return {
    status: 'Failed' as const,
    exitCode: exitCodes[reason],
    reason,
    message,
    ...(hint === undefined ? {} : { hint }),
  };
}

function byteLength(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value));
}

function shorten(text: string, maxLength: number): string {
  return text.length <= maxLength ? text : `${text.slice(0, maxLength - 1)}…`;
}

/**
 * Serializes a result in at most `limit` bytes. Long lists are cut first (the
 * field `truncated` lists which), then the message and hint are shortened;
 * status, reason and exit code always survive.
 */
export function serializeResult(result: RunResult, limit = terminationMessageLimit): string {
  const fitted: Record<string, unknown> = { ...result };
  const truncated: string[] = [];
  while (byteLength(fitted) > limit) {
    const longest = Object.entries(fitted)
      .filter((entry): entry is [string, unknown[]] => Array.isArray(entry[1]) && entry[1].length > 0)
      .sort((a, b) => byteLength(b[1]) - byteLength(a[1]))[0];
    if (longest === undefined) break;
    const [field, items] = longest;
    fitted[field] = items.slice(0, Math.floor(items.length / 2));
    if (!truncated.includes(field)) truncated.push(field);
    fitted.truncated = truncated;
  }
  for (const field of ['message', 'hint']) {
    if (byteLength(fitted) <= limit) break;
    const text = fitted[field];
    if (typeof text === 'string') fitted[field] = shorten(text, 512);
  }
  if (byteLength(fitted) > limit) {
    const { version, command, status, exitCode, reason, startedAt, completedAt, durationSeconds } = result;
    const message = typeof result.message === 'string' ? shorten(result.message, 1024) : undefined;
    return JSON.stringify({
      version,
      command,
      status,
      exitCode,
      reason,
      message,
      startedAt,
      completedAt,
      durationSeconds,
    });
  }
  return JSON.stringify(fitted);
}

/**
 * Writes the result to the termination message file. A failure to write is
 * returned, not thrown, because the exit code still reports the outcome.
 */
export async function writeTerminationMessage(path: string, result: RunResult): Promise<Error | undefined> {
  try {
    await writeFile(path, serializeResult(result));
    return undefined;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}
