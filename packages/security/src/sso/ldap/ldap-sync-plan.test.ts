import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LdapPerson } from './ldap-entry.ts';
import { planLdapSync, type LinkedAccount } from './ldap-sync-plan.ts';

const person = (id: string, over: Partial<LdapPerson> = {}): LdapPerson => ({
  dn: `cn=${id},dc=x`,
  uniqueId: id,
  username: id,
  email: `${id}@x.test`,
  displayName: id.toUpperCase(),
  phone: null,
  groups: [],
  disabled: false,
  ...over,
});

const linked = (
  id: string,
  over: Partial<LinkedAccount['account']> = {},
  groupIds: string[] = [],
): LinkedAccount => ({
  identity: {
    id: `l-${id}`,
    tenantId: 't',
    userId: `u-${id}`,
    providerId: 'p',
    issuer: 'ldap:p',
    subject: id,
    email: null,
    linkedAt: 0,
    lastLoginAt: null,
  },
  account: {
    id: `u-${id}`,
    tenantId: 't',
    username: id,
    displayName: id.toUpperCase(),
    email: `${id}@x.test`,
    phone: null,
    active: true,
    isAdmin: false,
    ...over,
  },
  groupIds,
});

const rules = {
  importNew: true,
  groupMappings: [{ ldapGroupDn: 'CN=Sales,DC=X', groupId: 'g-sales' }],
  defaultGroupId: null,
};

test('creates the new, updates the changed, disables the gone and the disabled; never deletes', () => {
  const plan = planLdapSync(
    [
      person('new', { groups: ['cn=sales,dc=x'] }),
      person('same'),
      person('moved', { email: 'm2@x.test' }),
      person('off', { disabled: true }),
      person('offnew', { disabled: true }),
    ],
    [
      linked('same'),
      linked('moved'),
      linked('off'),
      linked('gone'),
      linked('already', { active: false }),
    ],
    rules,
  );
  assert.deepEqual(
    plan.create.map((c) => [c.person.username, c.groupIds]),
    [['new', ['g-sales']]],
  );
  assert.deepEqual(
    plan.update.map((u) => [u.account.username, u.changes]),
    [['moved', ['email']]],
  );
  assert.deepEqual(
    plan.disable.map((d) => [d.account.username, d.reason]),
    [
      ['off', 'disabled-in-directory'],
      ['gone', 'gone'],
    ],
  );
  assert.equal(plan.unchanged, 1);
  assert.ok(!('delete' in plan));
});

test('group mapping: adds mapped groups, removes only managed ones', () => {
  const plan = planLdapSync([person('a')], [linked('a', {}, ['g-sales', 'g-local'])], rules);
  assert.deepEqual(plan.update[0]?.removeGroups, ['g-sales']);
  assert.deepEqual(plan.update[0]?.addGroups, []);
});

test('import off: new people are reported, not created; a duplicate id is skipped', () => {
  const plan = planLdapSync([person('n'), person('n', { username: 'twin' })], [], {
    ...rules,
    importNew: false,
  });
  assert.deepEqual(plan.create, []);
  assert.deepEqual(
    plan.skipped.map((s) => s.username),
    ['n', 'twin'],
  );
});
