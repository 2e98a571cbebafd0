import { initialMigration } from './0001-initial.ts';
import { identityMigration } from './0002-identity.ts';
import { registrationsMigration } from './0003-registrations.ts';
import { bansMigration } from './0006-bans.ts';
import type { Migration } from './migration.ts';

/**
 * Versions 4 (single sign-on) and 5 are on other branches: these stand-ins
 * keep the numbering and are replaced by the real migrations when the
 * branches meet.
 */
const reservedForSso: Migration = { version: 4, name: 'sso', up: async () => undefined };
const reservedFor5: Migration = { version: 5, name: 'reserved-5', up: async () => undefined };

/** Every migration, in order. Append new ones; never edit or reorder released ones. */
export const migrations: readonly Migration[] = [
  initialMigration,
  identityMigration,
  registrationsMigration,
  reservedForSso,
  reservedFor5,
  bansMigration,
];
