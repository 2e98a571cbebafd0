/**
 * The one entry point for stored passwords: hash new ones with argon2id,
 * verify argon2id and imported SHA-512-crypt hashes, and say when a hash
 * should be replaced (legacy scheme or old parameters), so a successful
 * login can upgrade it in place.
 */
import { PalisadeError } from '@palisade/common';
import {
  ARGON2ID_DEFAULT_PARAMS,
  argon2idNeedsRehash,
  checkArgon2idParams,
  dummyArgon2id,
  hashArgon2id,
  parseArgon2idHash,
  verifyArgon2id,
} from './argon2id-hash.ts';
import type { Argon2idParams } from './argon2id-hash.ts';
import { checkPasswordInput } from './password-input.ts';
import { isSha512CryptHash, verifySha512Crypt } from './sha512-crypt.ts';

export type PasswordHashScheme = 'argon2id' | 'sha512-crypt';

export interface PasswordVerification {
  readonly ok: boolean;
  /** Only ever true when ok: store `hashPassword(password)` in its place. */
  readonly needsRehash: boolean;
}

/** Which scheme a stored hash uses, or null when we cannot verify it. */
export function identifyPasswordHash(stored: string): PasswordHashScheme | null {
  if (parseArgon2idHash(stored)) return 'argon2id';
  if (isSha512CryptHash(stored)) return 'sha512-crypt';
  return null;
}

/** A new argon2id PHC string (parameters default to m=19456 KiB, t=2, p=1). */
export function hashPassword(
  password: string,
  params: Argon2idParams = ARGON2ID_DEFAULT_PARAMS,
): Promise<string> {
  return hashArgon2id(password, params);
}

/** Whether `stored` should be replaced by a hash with `params`. */
export function needsRehash(
  stored: string,
  params: Argon2idParams = ARGON2ID_DEFAULT_PARAMS,
): boolean {
  const parsed = parseArgon2idHash(stored);
  return parsed === null || argon2idNeedsRehash(parsed, params);
}

/**
 * Checks `password` against `stored`. Pass `stored = null` for a user who does
 * not exist: the same argon2id work is done, so the answer takes as long as
 * for a wrong password. A stored value of no supported format throws
 * `validation_failed` (the import should have refused it).
 */
export async function verifyPassword(
  password: string,
  stored: string | null,
  params: Argon2idParams = ARGON2ID_DEFAULT_PARAMS,
): Promise<PasswordVerification> {
  checkPasswordInput(password);
  checkArgon2idParams(params);
  if (stored === null) {
    await dummyArgon2id(password, params);
    return { ok: false, needsRehash: false };
  }
  const argon = parseArgon2idHash(stored);
  if (argon) {
    const ok = await verifyArgon2id(password, argon);
    return { ok, needsRehash: ok && argon2idNeedsRehash(argon, params) };
  }
  if (isSha512CryptHash(stored)) {
    const ok = await verifySha512Crypt(password, stored);
    return { ok, needsRehash: ok };
  }
  throw new PalisadeError('validation_failed', 'stored password hash has an unsupported format');
}
