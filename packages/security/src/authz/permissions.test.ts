import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALL_PERMISSIONS, DEFAULT_USER_PERMISSIONS, isPermission, permits } from './permissions.ts';

test('change implies view, never the reverse', () => {
  assert.ok(permits(new Set(['users:change']), 'users:view'));
  assert.ok(!permits(new Set(['users:view']), 'users:change'));
  assert.ok(!permits(new Set(['devices:change']), 'users:view'));
});

test('the default Users group gets neither international calls nor the API', () => {
  assert.ok(DEFAULT_USER_PERMISSIONS.every(isPermission));
  assert.ok(DEFAULT_USER_PERMISSIONS.includes('call:emergency'));
  assert.ok(!DEFAULT_USER_PERMISSIONS.includes('call:international'));
  assert.ok(!DEFAULT_USER_PERMISSIONS.includes('api'));
  assert.ok(ALL_PERMISSIONS.includes('audit:view'));
});
