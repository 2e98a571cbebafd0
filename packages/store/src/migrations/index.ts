import { initialMigration } from './0001-initial.ts';
import { identityMigration } from './0002-identity.ts';
import { registrationsMigration } from './0003-registrations.ts';
import { ssoMigration } from './0004-sso.ts';
import { callsMigration } from './0005-calls.ts';
import { bansMigration } from './0006-bans.ts';
import { passwordAgeMigration } from './0007-password-age.ts';
import { presenceMigration } from './0008-presence.ts';
import { credentialsGenerationMigration } from './0009-credentials-generation.ts';
import type { Migration } from './migration.ts';

/** Every migration, in order. Append new ones; never edit or reorder released ones. */
export const migrations: readonly Migration[] = [
  initialMigration,
  identityMigration,
  registrationsMigration,
  ssoMigration,
  callsMigration,
  bansMigration,
  passwordAgeMigration,
  presenceMigration,
  credentialsGenerationMigration,
];
