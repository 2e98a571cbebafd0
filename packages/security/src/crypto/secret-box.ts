/**
 * Authenticated encryption of small secrets (AES-256-GCM, 96-bit random IV,
 * 128-bit tag). Every use has its own subkey derived with HKDF-SHA-256 from
 * one master key and a purpose label, and binds a context string as
 * additional data, so a sealed value cannot be moved to another row or used
 * for another purpose. Sealed form: `v1.<iv>.<ciphertext+tag>` (base64url).
 */
import {
  createCipheriv,
  createDecipheriv,
  createSecretKey,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { PalisadeError } from '@palisade/common';

export const SECRET_BOX_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const MAX_PLAINTEXT = 64 * 1024;

export class SecretBox {
  readonly #key: KeyObject;

  /** `masterKey`: 32 random bytes; `purpose` separates the subkeys of different uses. */
  constructor(masterKey: Uint8Array, purpose: string) {
    if (masterKey.length !== SECRET_BOX_KEY_BYTES)
      throw new RangeError(`the master key must be ${SECRET_BOX_KEY_BYTES} bytes`);
    const sub = hkdfSync('sha256', masterKey, Buffer.alloc(0), `palisade/${purpose}`, 32);
    this.#key = createSecretKey(Buffer.from(sub));
  }

  seal(plaintext: string | Uint8Array, context: string): string {
    const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
    if (data.length > MAX_PLAINTEXT) throw new RangeError('secret too large to seal');
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(data), cipher.final(), cipher.getAuthTag()]);
    return `v1.${iv.toString('base64url')}.${body.toString('base64url')}`;
  }

  /** Throws PalisadeError('unauthenticated') for anything tampered, truncated or sealed for another context. */
  open(sealed: string, context: string): Buffer {
    const parts = sealed.length <= 2 * MAX_PLAINTEXT ? sealed.split('.') : [];
    const iv = Buffer.from(parts[1] ?? '', 'base64url');
    const body = Buffer.from(parts[2] ?? '', 'base64url');
    if (
      parts.length !== 3 ||
      parts[0] !== 'v1' ||
      iv.length !== IV_BYTES ||
      body.length < TAG_BYTES
    )
      throw new PalisadeError('unauthenticated', 'sealed value is malformed');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
      return Buffer.concat([
        decipher.update(body.subarray(0, body.length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch {
      throw new PalisadeError('unauthenticated', 'sealed value does not verify');
    }
  }

  openString(sealed: string, context: string): string {
    return this.open(sealed, context).toString('utf8');
  }
}

export function generateSecretBoxKey(): Buffer {
  return randomBytes(SECRET_BOX_KEY_BYTES);
}
