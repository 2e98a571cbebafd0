import { initialMigration } from './0001-initial.ts';
import { identityMigration } from './0002-identity.ts';
import { registrationsMigration } from './0003-registrations.ts';
import { callsMigration } from './0005-calls.ts';
import type { Migration } from './migration.ts';

/**
 * Version 4 is single sign-on (issue 5), on another branch: this stand-in
 * keeps the numbering and is replaced by the SSO migration when the
 * branches meet.
 */
const reservedForSso: Migration = { version: 4, name: 'sso', up: async () => undefined };

/** Every migration, in order. Append new ones; never edit or reorder released ones. */
export const migrations: readonly Migration[] = [
  initialMigration,
  identityMigration,
  registrationsMigration,
  reservedForSso,
  callsMigration,
];
