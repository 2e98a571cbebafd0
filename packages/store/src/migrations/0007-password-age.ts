/**
 * Password age (issue 5): when each user's password was last set, so a
 * policy with periodic expiry (the vendor-compat preset: 180 days) can ask
 * for a change. Passwords set before this column existed count from the
 * account's creation.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Migration } from './migration.ts';

export const passwordAgeMigration: Migration = {
  version: 7,
  name: 'password-age',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('users').addColumn('password_changed_at', 'bigint').execute();
    await sql`update users set password_changed_at = created_at where password_hash is not null`.execute(
      db,
    );
  },
};
