export {
  hashPassword,
  verifyPassword,
  needsRehash,
  identifyPasswordHash,
  type PasswordHashScheme,
  type PasswordVerification,
} from './password-hasher.ts';
export {
  ARGON2ID_DEFAULT_PARAMS,
  ARGON2ID_MIN_PARAMS,
  checkArgon2idParams,
  parseArgon2idHash,
  type Argon2idParams,
  type Argon2idHash,
} from './argon2id-hash.ts';
export {
  sha512Crypt,
  verifySha512Crypt,
  isSha512CryptHash,
  SHA512_CRYPT_MAX_ROUNDS,
} from './sha512-crypt.ts';
export { MAX_PASSWORD_BYTES } from './password-input.ts';
