/**
 * Presence (PRODUCT §E2, §F1): the status each user sets for colleagues to
 * see (available, away, busy; do-not-disturb is their call-forwarding
 * setting), one row per user, referencing (tenant_id, user_id) so a row
 * can never point into another tenant. The new `presence` permission (see
 * colleagues' presence and busy lamps) is granted to every tenant's default
 * Users group, as new tenants get it.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { DEFAULT_USERS_GROUP } from '@palisade/pbx';
import type { Migration } from './migration.ts';

const ID = 'varchar(36)';

export const presenceMigration: Migration = {
  version: 8,
  name: 'presence',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('user_presence')
      .addColumn('user_id', ID, (c) => c.primaryKey())
      .addColumn('tenant_id', ID, (c) => c.notNull())
      .addColumn('status', 'varchar(16)', (c) =>
        c.notNull().check(sql`status in ('available', 'away', 'busy')`),
      )
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addForeignKeyConstraint(
        'user_presence_user_fkey',
        ['tenant_id', 'user_id'],
        'users',
        ['tenant_id', 'id'],
        (fk) => fk.onDelete('cascade'),
      )
      .execute();
    await db.schema
      .createIndex('user_presence_tenant_id_idx')
      .on('user_presence')
      .column('tenant_id')
      .execute();
    const raw = db as unknown as Kysely<{
      groups: { id: string; name: string; is_admin: unknown; permissions: string };
    }>;
    const groups = await raw
      .selectFrom('groups')
      .select(['id', 'permissions'])
      .where('name', '=', DEFAULT_USERS_GROUP)
      .execute();
    for (const g of groups) {
      const permissions = JSON.parse(g.permissions) as unknown;
      if (!Array.isArray(permissions)) continue;
      const listed = permissions.filter((p): p is string => typeof p === 'string');
      if (listed.includes('presence')) continue;
      await raw
        .updateTable('groups')
        .set({ permissions: JSON.stringify([...listed, 'presence']) })
        .where('id', '=', g.id)
        .execute();
    }
  },
};
