/**
 * argon2id password hashes (RFC 9106) with Node 24's built-in `crypto.argon2`,
 * stored as PHC strings:
 *
 *     $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<tag>
 *
 * salt and tag in standard base64 without padding (the PHC string format).
 * The parameters travel with each hash, so raising them later only marks old
 * hashes for an upgrade at the next login (`needsRehash`).
 *
 * Passwords are NFKC-normalised before hashing (NIST SP 800-63B-4 §3.1.1.2),
 * so the same password typed on different keyboards gives the same bytes.
 */
import { argon2, randomBytes, timingSafeEqual } from 'node:crypto';
import { PalisadeError } from '@palisade/common';
import { checkPasswordInput } from './password-input.ts';

export interface Argon2idParams {
  /** Memory in KiB. */
  readonly memoryKiB: number;
  /** Passes over memory (t). */
  readonly passes: number;
  /** Lanes (p). */
  readonly parallelism: number;
}

/** OWASP's first argon2id setting: 19 MiB, 2 passes, 1 lane. Also our floor. */
export const ARGON2ID_MIN_PARAMS: Argon2idParams = {
  memoryKiB: 19_456,
  passes: 2,
  parallelism: 1,
};
export const ARGON2ID_DEFAULT_PARAMS: Argon2idParams = ARGON2ID_MIN_PARAMS;

const VERSION = 19;
const SALT_BYTES = 16;
const TAG_BYTES = 32;
/** What we agree to compute for a stored hash (1 GiB, 64 passes, 64 lanes). */
const MAX = { memoryKiB: 1_048_576, passes: 64, parallelism: 64 } as const;

const PHC_PATTERN =
  /^\$argon2id\$v=(\d{1,3})\$m=(\d{1,8}),t=(\d{1,3}),p=(\d{1,3})\$([A-Za-z0-9+/]{11,88})\$([A-Za-z0-9+/]{22,88})$/;

export interface Argon2idHash {
  readonly version: number;
  readonly params: Argon2idParams;
  readonly salt: Buffer;
  readonly tag: Buffer;
}

function b64(bytes: Buffer): string {
  return bytes.toString('base64').replace(/=+$/, '');
}

function unb64(text: string): Buffer | null {
  const bytes = Buffer.from(text, 'base64');
  return b64(bytes) === text ? bytes : null; // canonical encodings only
}

/** Reads a PHC argon2id string, or null when it is not one we can verify. */
export function parseArgon2idHash(phc: string): Argon2idHash | null {
  if (typeof phc !== 'string' || phc.length > 256) return null;
  const m = PHC_PATTERN.exec(phc);
  if (!m) return null;
  const [version, memoryKiB, passes, parallelism] = [m[1], m[2], m[3], m[4]].map(Number) as [
    number,
    number,
    number,
    number,
  ];
  const salt = unb64(m[5]!);
  const tag = unb64(m[6]!);
  if (version !== VERSION || !salt || !tag) return null;
  if (salt.length < 8 || tag.length < 16 || tag.length > 64) return null;
  if (parallelism < 1 || parallelism > MAX.parallelism) return null;
  if (passes < 1 || passes > MAX.passes) return null;
  if (memoryKiB < 8 * parallelism || memoryKiB > MAX.memoryKiB) return null;
  return { version, params: { memoryKiB, passes, parallelism }, salt, tag };
}

export function formatArgon2idHash(hash: Argon2idHash): string {
  const { memoryKiB, passes, parallelism } = hash.params;
  return `$argon2id$v=${hash.version}$m=${memoryKiB},t=${passes},p=${parallelism}$${b64(hash.salt)}$${b64(hash.tag)}`;
}

/** Throws `config_invalid` unless the parameters are at or above our floor and sane. */
export function checkArgon2idParams(params: Argon2idParams): void {
  const ok = (v: number, min: number, max: number) => Number.isInteger(v) && v >= min && v <= max;
  if (
    !ok(params.memoryKiB, ARGON2ID_MIN_PARAMS.memoryKiB, MAX.memoryKiB) ||
    !ok(params.passes, ARGON2ID_MIN_PARAMS.passes, MAX.passes) ||
    !ok(params.parallelism, ARGON2ID_MIN_PARAMS.parallelism, MAX.parallelism)
  ) {
    throw new PalisadeError(
      'config_invalid',
      'argon2id parameters must be at least m=19456 KiB, t=2, p=1 (and at most m=1 GiB, t=64, p=64)',
    );
  }
}

function derive(password: string, salt: Buffer, params: Argon2idParams, tagBytes: number) {
  return new Promise<Buffer>((resolve, reject) => {
    argon2(
      'argon2id',
      {
        message: Buffer.from(password.normalize('NFKC'), 'utf8'),
        nonce: salt,
        memory: params.memoryKiB,
        passes: params.passes,
        parallelism: params.parallelism,
        tagLength: tagBytes,
      },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

/** A new PHC string for `password` with a fresh 16-byte salt. */
export async function hashArgon2id(
  password: string,
  params: Argon2idParams = ARGON2ID_DEFAULT_PARAMS,
): Promise<string> {
  checkPasswordInput(password);
  checkArgon2idParams(params);
  const salt = randomBytes(SALT_BYTES);
  const tag = await derive(password, salt, params, TAG_BYTES);
  return formatArgon2idHash({ version: VERSION, params, salt, tag });
}

/** Whether `password` matches a parsed hash (constant-time tag comparison). */
export async function verifyArgon2id(password: string, hash: Argon2idHash): Promise<boolean> {
  checkPasswordInput(password);
  const tag = await derive(password, hash.salt, hash.params, hash.tag.length);
  return timingSafeEqual(tag, hash.tag);
}

/** The same work as a verification, for a user who does not exist. */
export async function dummyArgon2id(password: string, params: Argon2idParams): Promise<void> {
  await derive(password, randomBytes(SALT_BYTES), params, TAG_BYTES);
}

/** Whether a stored argon2id hash was made with other than the wanted parameters. */
export function argon2idNeedsRehash(hash: Argon2idHash, params: Argon2idParams): boolean {
  return (
    hash.params.memoryKiB !== params.memoryKiB ||
    hash.params.passes !== params.passes ||
    hash.params.parallelism !== params.parallelism ||
    hash.salt.length < SALT_BYTES ||
    hash.tag.length !== TAG_BYTES
  );
}
