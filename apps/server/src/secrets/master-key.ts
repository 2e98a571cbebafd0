/**
 * The master key: 32 random bytes that seal the secrets the server must be
 * able to read back — SSO provider secrets (OIDC client secrets, LDAP
 * service passwords), pending-login cookies, TOTP seeds — with AES-256-GCM
 * and one HKDF subkey per use (SecretBox). It lives outside the database on
 * purpose: a stolen database dump alone reveals none of them. Back it up
 * with the data directory; without it the SSO secrets must be entered again
 * and the users re-enrol their authenticator apps.
 *
 * Default: `<data>/secrets/master.key`, created at first start with mode
 * 0600. A configured `secrets.keyFile` must exist: a missing configured key
 * is an error, never silently replaced.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PalisadeError } from '@palisade/common';
import { SECRET_BOX_KEY_BYTES } from '@palisade/security';

function parse(raw: Buffer, file: string): Buffer {
  if (raw.length === SECRET_BOX_KEY_BYTES) return raw;
  const text = raw.toString('utf8').trim();
  const decoded = Buffer.from(text, /^[0-9a-f]{64}$/i.test(text) ? 'hex' : 'base64');
  if (decoded.length !== SECRET_BOX_KEY_BYTES)
    throw new PalisadeError(
      'config_invalid',
      `${file} must hold a 32-byte key (raw, hex or base64)`,
    );
  return decoded;
}

export function loadMasterKey(dataDir: string, configured: string | null): Buffer {
  const file = configured ?? join(dataDir, 'secrets', 'master.key');
  if (existsSync(file)) {
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    return parse(readFileSync(file), file);
  }
  if (configured)
    throw new PalisadeError('config_invalid', `secrets.keyFile ${file} does not exist`);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(SECRET_BOX_KEY_BYTES);
  try {
    writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Another process (the CLI beside the server) made it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return parse(readFileSync(file), file);
    throw err;
  }
  return key;
}
