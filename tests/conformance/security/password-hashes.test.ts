/**
 * Our password hashing against independent implementations: OpenSSL's
 * `passwd -6` (SHA-512-crypt) and the argon2 reference CLI (Debian `argon2`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { sha512Crypt, verifyPassword } from '@palisade/security';
import { debianPeer } from '../../support/debian.ts';

const SALT_ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function randomText(length: number, alphabet: string): string {
  return [...randomBytes(length)].map((b) => alphabet[b % alphabet.length]).join('');
}

const openssl = debianPeer('openssl', 'openssl');
test('sha512Crypt agrees with openssl passwd -6', { skip: openssl.skip }, async () => {
  for (const length of [1, 8, 15, 16, 64, 65, 130]) {
    const password = randomText(length, SALT_ALPHABET + ' !#%&()*+,-');
    const salt = randomText(1 + (length % 16), SALT_ALPHABET);
    const theirs = execFileSync(openssl.path!, ['passwd', '-6', '-salt', salt, '-stdin'], {
      input: password + '\n',
      timeout: 10_000,
    })
      .toString('utf8')
      .trim();
    assert.equal(await sha512Crypt(password, `$6$${salt}`), theirs, `length ${length}`);
    assert.deepEqual(await verifyPassword(password, theirs), { ok: true, needsRehash: true });
  }
});

const argon2 = debianPeer('argon2', 'argon2');
test('argon2id hashes from the reference CLI verify here', { skip: argon2.skip }, async () => {
  const password = randomText(20, SALT_ALPHABET);
  const salt = randomText(16, SALT_ALPHABET);
  const encoded = execFileSync(
    argon2.path!,
    [salt, '-id', '-t', '2', '-k', '19456', '-p', '1', '-l', '32', '-e'],
    { input: password, timeout: 30_000 },
  )
    .toString('utf8')
    .trim();
  assert.match(encoded, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  assert.deepEqual(await verifyPassword(password, encoded), { ok: true, needsRehash: false });
  assert.equal((await verifyPassword(password + 'x', encoded)).ok, false);
});
