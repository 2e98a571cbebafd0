/**
 * SHA-512-crypt (`$6$`), the glibc crypt scheme, written from its
 * specification ("Unix crypt using SHA-256 and SHA-512", the SHA-crypt
 * text). We only verify such hashes, imported from older systems, and
 * upgrade them to argon2id at the next successful login.
 *
 *     $6$[rounds=N$]<salt, ≤ 16 chars>$<86 chars of crypt base64>
 */
import { createHash } from 'node:crypto';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { constantTimeEqual } from '../../crypto/constant-time-equal.ts';
import { checkPasswordInput } from './password-input.ts';

export const SHA512_CRYPT_DEFAULT_ROUNDS = 5000;
const ROUNDS_MIN = 1000;
const ROUNDS_MAX = 999_999_999;
/**
 * Beyond the specification: we refuse to verify hashes with more rounds than
 * this, so an imported hash cannot tie up the server (a million rounds is
 * about two seconds of CPU).
 */
export const SHA512_CRYPT_MAX_ROUNDS = 1_000_000;
const SALT_MAX = 16;
/** Rounds between yields to the event loop, so long hashes don't stall it. */
const ROUNDS_PER_SLICE = 2000;

const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const HASH_PATTERN = /^\$6\$(?:rounds=(\d{1,9})\$)?([^$:\n]{0,16})\$([./0-9A-Za-z]{86})$/;

export interface Sha512CryptSetting {
  /** Rounds after clamping to [1000, 999 999 999]. */
  readonly rounds: number;
  /** Whether `rounds=` was written (it is then written back, even if 5000). */
  readonly roundsGiven: boolean;
  readonly salt: string;
}

/**
 * Reads the setting part (`$6$[rounds=N$]salt[$...]`) as the specification
 * does: the salt ends at `$` or after 16 characters; rounds are clamped.
 */
export function parseSha512CryptSetting(setting: string): Sha512CryptSetting | null {
  if (!setting.startsWith('$6$')) return null;
  let rest = setting.slice(3);
  let rounds = SHA512_CRYPT_DEFAULT_ROUNDS;
  let roundsGiven = false;
  const r = /^rounds=(\d{1,10})\$/.exec(rest);
  if (r) {
    rounds = Math.min(ROUNDS_MAX, Math.max(ROUNDS_MIN, Number(r[1])));
    roundsGiven = true;
    rest = rest.slice(r[0].length);
  }
  const end = rest.indexOf('$');
  const salt = (end === -1 ? rest : rest.slice(0, end)).slice(0, SALT_MAX);
  return { rounds, roundsGiven, salt };
}

/** Whether `stored` is a complete `$6$` hash of the right shape. */
export function isSha512CryptHash(stored: string): boolean {
  return typeof stored === 'string' && stored.length <= 128 && HASH_PATTERN.test(stored);
}

function sha512(...parts: Buffer[]): Buffer {
  const h = createHash('sha512');
  for (const p of parts) h.update(p);
  return h.digest();
}

/** `length` bytes of `block` repeated (the P and S sequences of the specification). */
function stretch(block: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i += block.length)
    block.copy(out, i, 0, Math.min(block.length, length - i));
  return out;
}

/** The byte order of the final encoding: 21 groups of three, then byte 63. */
const FINAL_ORDER: readonly (readonly [number, number, number])[] = Array.from(
  { length: 21 },
  (_, i) => [i, i + 21, i + 42] as const,
).map(([a, b, c], i) => {
  // The specification rotates each triple by one position per group.
  const rot = i % 3;
  return rot === 0 ? [a, b, c] : rot === 1 ? [b, c, a] : [c, a, b];
});

function encode(c: Buffer): string {
  let out = '';
  const put = (v: number, n: number) => {
    for (let i = 0; i < n; i++, v >>>= 6) out += ITOA64[v & 0x3f];
  };
  for (const [a, b, d] of FINAL_ORDER) put((c[a]! << 16) | (c[b]! << 8) | c[d]!, 4);
  put(c[63]!, 2);
  return out;
}

/**
 * crypt(3) with a `$6$` setting: the full hash string. Yields to the event
 * loop now and then, hence async.
 */
export async function sha512Crypt(password: string, setting: string): Promise<string> {
  checkPasswordInput(password);
  const parsed = parseSha512CryptSetting(setting);
  if (!parsed) throw new TypeError('not a $6$ setting');
  const key = Buffer.from(password, 'utf8');
  const salt = Buffer.from(parsed.salt, 'utf8');

  // Digest B = H(key salt key); digest A = H(key salt B-stretched bits...).
  const b = sha512(key, salt, key);
  const a = createHash('sha512').update(key).update(salt);
  a.update(stretch(b, key.length));
  for (let n = key.length; n > 0; n >>>= 1) a.update(n & 1 ? b : key);
  const digestA = a.digest();

  // P: H(key repeated |key| times), stretched to |key| bytes.
  const dp = createHash('sha512');
  for (let i = 0; i < key.length; i++) dp.update(key);
  const p = stretch(dp.digest(), key.length);

  // S: H(salt repeated 16 + A[0] times), stretched to |salt| bytes.
  const ds = createHash('sha512');
  for (let i = 0; i < 16 + digestA[0]!; i++) ds.update(salt);
  const s = stretch(ds.digest(), salt.length);

  let c = digestA;
  for (let i = 0; i < parsed.rounds; i++) {
    if (i > 0 && i % ROUNDS_PER_SLICE === 0) await yieldToLoop();
    const h = createHash('sha512');
    h.update(i & 1 ? p : c);
    if (i % 3 !== 0) h.update(s);
    if (i % 7 !== 0) h.update(p);
    h.update(i & 1 ? c : p);
    c = h.digest();
  }

  const roundsPart = parsed.roundsGiven ? `rounds=${parsed.rounds}$` : '';
  return `$6$${roundsPart}${parsed.salt}$${encode(c)}`;
}

/**
 * Whether `password` matches a stored `$6$` hash (constant-time comparison).
 * A hash above SHA512_CRYPT_MAX_ROUNDS, or not of the format, throws.
 */
export async function verifySha512Crypt(password: string, stored: string): Promise<boolean> {
  const match = isSha512CryptHash(stored) ? HASH_PATTERN.exec(stored) : null;
  if (!match) throw new TypeError('not a $6$ hash');
  if (match[1] !== undefined && Number(match[1]) > SHA512_CRYPT_MAX_ROUNDS)
    throw new RangeError(`$6$ hash has more than ${SHA512_CRYPT_MAX_ROUNDS} rounds`);
  return constantTimeEqual(await sha512Crypt(password, stored), stored);
}
