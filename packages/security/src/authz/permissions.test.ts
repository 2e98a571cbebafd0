import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ADMIN_PERMISSIONS, isPermission, permits } from './permissions.ts';

test('change implies view, never the reverse', () => {
  assert.ok(permits(new Set(['users:change']), 'users:view'));
  assert.ok(!permits(new Set(['users:view']), 'users:change'));
  assert.ok(!permits(new Set(['devices:change']), 'users:view'));
});

test('the catalogue knows its permissions and nothing else', () => {
  assert.ok(ADMIN_PERMISSIONS.includes('audit:view'));
  assert.ok(isPermission('call:emergency'));
  assert.ok(!isPermission('users:delete'));
  assert.ok(!isPermission('*'));
});
