/**
 * What a directory sync must change, computed without touching anything
 * (the dry run shows exactly this). Nothing is ever deleted: people who left
 * the directory, or are disabled there, get their account disabled.
 */
import type { LinkedIdentity } from '../ports/linked-identity-repository.ts';
import type { SsoAccount } from '../ports/sso-account-port.ts';
import type { LdapGroupMapping } from '../sso-provider.ts';
import type { LdapPerson } from './ldap-entry.ts';

export interface LinkedAccount {
  readonly identity: LinkedIdentity;
  readonly account: SsoAccount;
  readonly groupIds: readonly string[];
}

export interface ProfileChange {
  readonly account: SsoAccount;
  readonly person: LdapPerson;
  readonly changes: readonly string[];
  readonly addGroups: readonly string[];
  readonly removeGroups: readonly string[];
}

export interface LdapSyncPlan {
  readonly create: readonly { readonly person: LdapPerson; readonly groupIds: readonly string[] }[];
  readonly update: readonly ProfileChange[];
  readonly disable: readonly {
    readonly account: SsoAccount;
    readonly reason: 'gone' | 'disabled-in-directory';
  }[];
  readonly unchanged: number;
  readonly skipped: readonly { readonly username: string; readonly reason: string }[];
}

export interface SyncRules {
  readonly importNew: boolean;
  readonly groupMappings: readonly LdapGroupMapping[];
  readonly defaultGroupId: string | null;
}

/** The ACL groups a person should be in, and every group the mapping manages. */
export function mappedGroups(
  person: LdapPerson,
  rules: SyncRules,
): { wanted: string[]; managed: string[] } {
  const managed = new Set(rules.groupMappings.map((m) => m.groupId));
  const wanted = new Set<string>();
  for (const m of rules.groupMappings)
    if (person.groups.includes(m.ldapGroupDn.toLowerCase())) wanted.add(m.groupId);
  if (rules.defaultGroupId) {
    managed.add(rules.defaultGroupId);
    wanted.add(rules.defaultGroupId);
  }
  return { wanted: [...wanted].sort(), managed: [...managed].sort() };
}

export function planLdapSync(
  people: readonly LdapPerson[],
  linked: readonly LinkedAccount[],
  rules: SyncRules,
): LdapSyncPlan {
  const bySubject = new Map(linked.map((l) => [l.identity.subject, l]));
  const seen = new Set<string>();
  const create: { person: LdapPerson; groupIds: string[] }[] = [];
  const update: ProfileChange[] = [];
  const disable: { account: SsoAccount; reason: 'gone' | 'disabled-in-directory' }[] = [];
  const skipped: { username: string; reason: string }[] = [];
  let unchanged = 0;
  for (const person of people) {
    if (seen.has(person.uniqueId)) {
      skipped.push({ username: person.username, reason: 'duplicate id in the directory' });
      continue;
    }
    seen.add(person.uniqueId);
    const groups = mappedGroups(person, rules);
    const l = bySubject.get(person.uniqueId);
    if (!l) {
      if (person.disabled) continue;
      if (rules.importNew) create.push({ person, groupIds: groups.wanted });
      else
        skipped.push({
          username: person.username,
          reason: 'not imported (import of new users is off)',
        });
      continue;
    }
    if (person.disabled) {
      if (l.account.active) disable.push({ account: l.account, reason: 'disabled-in-directory' });
      else unchanged++;
      continue;
    }
    const changes: string[] = [];
    if (person.displayName !== l.account.displayName) changes.push('displayName');
    if (person.email !== l.account.email) changes.push('email');
    if (person.phone !== l.account.phone) changes.push('phone');
    const has = new Set(l.groupIds);
    const addGroups = groups.wanted.filter((g) => !has.has(g));
    const removeGroups = groups.managed.filter((g) => has.has(g) && !groups.wanted.includes(g));
    if (addGroups.length > 0 || removeGroups.length > 0) changes.push('groups');
    if (changes.length > 0)
      update.push({ account: l.account, person, changes, addGroups, removeGroups });
    else unchanged++;
  }
  for (const l of linked)
    if (!seen.has(l.identity.subject) && l.account.active)
      disable.push({ account: l.account, reason: 'gone' });
  return { create, update, disable, unchanged, skipped };
}
