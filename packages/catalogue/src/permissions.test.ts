import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ADMIN_PERMISSIONS, ALL_PERMISSIONS, CONSOLE_AREAS, isPermission } from './permissions.ts';

test('the catalogue knows its permissions and nothing else', () => {
  assert.ok(ADMIN_PERMISSIONS.includes('audit:view'));
  assert.ok(isPermission('call:emergency'));
  assert.ok(!isPermission('users:delete'));
  assert.ok(!isPermission('*'));
  assert.ok(!isPermission('audit'));
});

test('every console area has exactly a view and a change permission', () => {
  assert.equal(ADMIN_PERMISSIONS.length, CONSOLE_AREAS.length * 2);
  for (const area of CONSOLE_AREAS) {
    assert.ok(isPermission(`${area}:view`));
    assert.ok(isPermission(`${area}:change`));
  }
  assert.equal(new Set(ALL_PERMISSIONS).size, ALL_PERMISSIONS.length);
});
