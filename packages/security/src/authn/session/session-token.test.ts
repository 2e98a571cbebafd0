import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeControl } from '../../audit/escape-control.ts';
import {
  csrfTokenFor,
  generateSessionToken,
  hashSessionToken,
  isSessionTokenShape,
} from './session-token.ts';

test('session tokens carry 128 random bits; only a SHA-256 hash is kept', () => {
  const a = generateSessionToken();
  const b = generateSessionToken();
  assert.notEqual(a.token, b.token);
  assert.equal(Buffer.from(a.token, 'base64url').length, 16);
  assert.ok(isSessionTokenShape(a.token));
  assert.equal(a.hash, hashSessionToken(a.token));
  assert.match(a.hash, /^[0-9a-f]{64}$/);
  assert.equal(isSessionTokenShape(`${a.token}x`), false);
  assert.equal(isSessionTokenShape('a'.repeat(21) + '='), false);
});

test('the CSRF token is derived from the session token: stable for it, different for another', () => {
  const a = generateSessionToken().token;
  assert.equal(csrfTokenFor(a), csrfTokenFor(a));
  assert.notEqual(csrfTokenFor(a), csrfTokenFor(generateSessionToken().token));
  assert.notEqual(csrfTokenFor(a), a);
  assert.ok(isSessionTokenShape(csrfTokenFor(a)));
});

test('control characters in user input are escaped for the audit trail', () => {
  assert.equal(escapeControl('a\nb\u001b[0m\u2028'), 'a\\u000ab\\u001b[0m\\u2028');
  assert.equal(escapeControl('x'.repeat(500)).length, 128);
});
