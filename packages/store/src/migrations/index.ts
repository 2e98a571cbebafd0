import { initialMigration } from './0001-initial.ts';
import { registrationsMigration } from './0003-registrations.ts';
import type { Migration } from './migration.ts';

/**
 * Version 2 is the identity tables (issue 5), on another branch: this
 * stand-in keeps the numbering and is replaced by `identityMigration` when
 * the branches meet.
 */
const reservedForIdentity: Migration = { version: 2, name: 'identity', up: async () => undefined };

/** Every migration, in order. Append new ones; never edit or reorder released ones. */
export const migrations: readonly Migration[] = [
  initialMigration,
  reservedForIdentity,
  registrationsMigration,
];
