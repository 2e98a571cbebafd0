import { initialMigration } from './0001-initial.ts';
import { ssoMigration } from './0004-sso.ts';
import type { Migration } from './migration.ts';

/**
 * Versions 2 (identity, issue 5) and 3 (registrations) are on other
 * branches: these stand-ins keep the numbering and are replaced by the real
 * migrations when the branches meet.
 */
const reservedForIdentity: Migration = { version: 2, name: 'identity', up: async () => undefined };
const reservedForRegistrations: Migration = {
  version: 3,
  name: 'registrations',
  up: async () => undefined,
};

/** Every migration, in order. Append new ones; never edit or reorder released ones. */
export const migrations: readonly Migration[] = [
  initialMigration,
  reservedForIdentity,
  reservedForRegistrations,
  ssoMigration,
];
