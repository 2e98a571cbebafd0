import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PalisadeError, isPalisadeError, toPalisadeError } from './errors.ts';

test('PalisadeError maps its code to HTTP and SIP statuses', () => {
  const err = new PalisadeError('busy', 'callee busy');
  assert.equal(err.httpStatus, 409);
  assert.equal(err.sipStatus, 486);
  assert.ok(isPalisadeError(err, 'busy'));
  assert.ok(!isPalisadeError(err, 'forbidden'));
});

test('toPalisadeError hides the message of an unexpected throwable', () => {
  const bug = new Error('SELECT secret FROM keys failed at /srv/x');
  const normalised = toPalisadeError(bug);
  assert.equal(normalised.code, 'internal');
  assert.equal(normalised.message, 'internal error');
  assert.equal(normalised.cause, bug);
});
