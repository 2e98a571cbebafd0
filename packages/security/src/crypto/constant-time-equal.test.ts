import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constantTimeEqual } from './constant-time-equal.ts';

test('constantTimeEqual compares strings and buffers of any length', () => {
  assert.equal(constantTimeEqual('secret', 'secret'), true);
  assert.equal(constantTimeEqual('secret', 'secreT'), false);
  assert.equal(constantTimeEqual('secret', 'secret-longer'), false);
  assert.equal(constantTimeEqual('', ''), true);
  assert.equal(constantTimeEqual('', 'x'), false);
  assert.equal(constantTimeEqual(Buffer.from('abc'), 'abc'), true);
  assert.equal(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4])), false);
  assert.equal(constantTimeEqual('é', Buffer.from('é', 'utf8')), true);
});
