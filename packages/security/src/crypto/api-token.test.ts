import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  API_TOKEN_LENGTH,
  generateApiToken,
  hashApiToken,
  parseApiToken,
  verifyApiToken,
} from './api-token.ts';

test('generateApiToken: pal_<12>_<43>, lookup hash is SHA-256 of the whole token', () => {
  const t = generateApiToken();
  assert.match(t.token, /^pal_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
  assert.equal(t.token.length, API_TOKEN_LENGTH);
  assert.equal(t.lookupHash, createHash('sha256').update(t.token).digest('hex'));
  assert.equal(t.lookupHash, hashApiToken(t.token));
  assert.equal(t.token.slice(4, 16), t.id);
  assert.notEqual(generateApiToken().token, t.token);
});

test('parseApiToken splits by position even when the secret holds underscores', () => {
  const secret = '_'.repeat(20) + 'A-'.repeat(11) + 'x';
  const parsed = parseApiToken(`pal_abcDEF123456_${secret}`);
  assert.deepEqual(parsed, { id: 'abcDEF123456', secret });
});

test('parseApiToken refuses anything not of the format', () => {
  const good = generateApiToken().token;
  for (const bad of [
    '',
    good.slice(1),
    good + 'x',
    'pxl_' + good.slice(4),
    good.slice(0, 16) + '-' + good.slice(17),
    good.slice(0, 5) + '_' + good.slice(6),
    good.slice(0, 20) + '=' + good.slice(21),
    good.slice(0, 20) + 'é' + good.slice(21),
    'x'.repeat(100_000),
  ]) {
    assert.equal(parseApiToken(bad), null, bad.slice(0, 70));
  }
});

test('verifyApiToken accepts the token and nothing else', () => {
  const { token, lookupHash } = generateApiToken();
  assert.equal(verifyApiToken(token, lookupHash), true);
  const other = generateApiToken();
  assert.equal(verifyApiToken(other.token, lookupHash), false);
  assert.equal(verifyApiToken('garbage', hashApiToken('garbage')), false);
});
