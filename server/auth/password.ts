import "server-only";
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";

/**
 * Passwords are hashed with scrypt at OWASP's current recommendation (Password Storage Cheat Sheet):
 * N = 2^17, r = 8, p = 1 — 128 MiB and about four times the work of the N = 2^15 used before. scrypt
 * ships with Node (no native addon, nothing downloaded at install). Each hash carries its parameters
 * (`scrypt$N$r$p$salt$key`), so hashes made at an earlier level keep verifying; `needsRehash` tells the
 * login to replace such a hash once the password has been proved.
 *
 * Node runs scrypt on libuv's thread pool (4 threads unless UV_THREADPOOL_SIZE says otherwise), so one
 * process holds at most 4 × 128 MiB for hashing however many logins arrive at once.
 */
export const SCRYPT_PARAMS = { N: 2 ** 17, r: 8, p: 1 } as const;
/** The level of hashes made before (still verified, rehashed at login); `npm run load` times both. */
export const PREVIOUS_SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

/**
 * The most a stored hash may ask for: a hash is read from the database, and a damaged row must fail
 * the check rather than make the process try to allocate gigabytes.
 */
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;

/**
 * Node refuses to run scrypt above `maxmem` (32 MiB by default: N = 2^17 needs it raised). OpenSSL
 * needs 128·r·(N + p + 2) bytes; the margin covers its bookkeeping.
 */
const maxmemFor = (n: number, r: number, p: number) => 128 * r * (n + p + 2) + 1024 * 1024;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize("NFKC"),
      salt,
      KEY_LENGTH,
      { N: n, r, p, maxmem: maxmemFor(n, r, p) },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

/** A new hash at today's level (`params` only for measuring another level beside it). */
export async function hashPassword(password: string, params: ScryptParams = SCRYPT_PARAMS): Promise<string> {
  const { N, r, p } = params;
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, N, r, p);
  return `scrypt$${N}$${r}$${p}$${salt.toString("base64")}$${key.toString("base64")}`;
}

interface ParsedHash {
  n: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

const isPowerOfTwo = (n: number) => n > 1 && (n & (n - 1)) === 0;
const whole = (text: string | undefined) => (text && /^[1-9]\d{0,9}$/.test(text) ? Number(text) : 0);

/** The stored hash's parts, or null when it is not a hash this code can have made. */
function parse(stored: string): ParsedHash | null {
  const [scheme, nText, rText, pText, salt, key, ...rest] = stored.split("$");
  const n = whole(nText);
  const r = whole(rText);
  const p = whole(pText);
  if (scheme !== "scrypt" || rest.length > 0 || !salt || !key) return null;
  if (!isPowerOfTwo(n) || n > MAX_N || r < 1 || r > MAX_R || p < 1 || p > MAX_P) return null;
  const parsed = { n, r, p, salt: Buffer.from(salt, "base64"), key: Buffer.from(key, "base64") };
  return parsed.salt.length > 0 && parsed.key.length > 0 ? parsed : null;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) {
    // Not a hash (a damaged row): the check still costs a hash, so it tells no one anything by its time.
    await derive(password, Buffer.alloc(SALT_LENGTH), SCRYPT_PARAMS.N, SCRYPT_PARAMS.r, SCRYPT_PARAMS.p);
    return false;
  }
  const actual = await derive(password, parsed.salt, parsed.n, parsed.r, parsed.p);
  return actual.length === parsed.key.length && timingSafeEqual(actual, parsed.key);
}

/** The hash was made with other parameters than today's (an earlier release's): replace it at the next login. */
export function needsRehash(stored: string): boolean {
  const parsed = parse(stored);
  const { N, r, p } = SCRYPT_PARAMS;
  return !parsed || parsed.n !== N || parsed.r !== r || parsed.p !== p || parsed.key.length !== KEY_LENGTH;
}

/** A hash of nothing anyone knows: verifying against it costs what a real check costs, for unknown users. */
export const DECOY_HASH =
  "scrypt$131072$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
