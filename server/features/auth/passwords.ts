import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt cost parameters; stored inside each hash so they can be raised later without breaking old hashes. */
export interface ScryptParameters {
  /** log2 of the CPU/memory cost N. */
  readonly logN: number;
  readonly r: number;
  readonly p: number;
}

/**
 * The OWASP Password Storage Cheat Sheet minimum for scrypt: N = 2^17,
 * r = 8, p = 1. One hash then needs 128 MiB (128 * N * r bytes) and about
 * 0.4 s of one core, so hashing runs on the libuv pool and at most
 * {@link maxConcurrentHashes} at once.
 */
export const defaultScryptParameters: ScryptParameters = { logN: 17, r: 8, p: 1 };

const keyLength = 32;
const saltLength = 16;
/** Bounds peak memory, because each concurrent hash uses 128 * N * r bytes. */
const maxConcurrentHashes = 2;

let running = 0;
const waiting: (() => void)[] = [];

async function withHashSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= maxConcurrentHashes) await new Promise<void>((resolve) => waiting.push(resolve));
  running += 1;
  try {
    return await work();
  } finally {
    running -= 1;
    waiting.shift()?.();
  }
}

function derive(password: string, salt: Buffer, parameters: ScryptParameters): Promise<Buffer> {
  const N = 2 ** parameters.logN;
  const options: ScryptOptions = {
    N,
    r: parameters.r,
    p: parameters.p,
    maxmem: 128 * N * parameters.r * parameters.p + 16 * 1024 * 1024,
  };
  return withHashSlot(
    () =>
      new Promise((resolve, reject) => {
        scrypt(password.normalize('NFKC'), salt, keyLength, options, (error, key) =>
          error === null ? resolve(key) : reject(error),
        );
      }),
  );
}

/** Hashes a password into `scrypt$<logN>$<r>$<p>$<salt>$<key>` with base64url parts. */
export async function hashPassword(
  password: string,
  parameters: ScryptParameters = defaultScryptParameters,
): Promise<string> {
  const salt = randomBytes(saltLength);
  const key = await derive(password, salt, parameters);
  return [
    'scrypt',
    parameters.logN,
    parameters.r,
    parameters.p,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join('$');
}

/**
 * Checks a password against a stored hash in constant time. Returns false
 * for a malformed hash instead of throwing, so a corrupt row reads as a failed login.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [logN, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![logN, r, p].every((value) => Number.isInteger(value) && value > 0) || logN > 22) return false;
  const salt = Buffer.from(parts[4] as string, 'base64url');
  const expected = Buffer.from(parts[5] as string, 'base64url');
  const actual = await derive(password, salt, { logN, r, p });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
