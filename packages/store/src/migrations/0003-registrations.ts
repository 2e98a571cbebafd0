/**
 * SIP registrations (issue 3): the registrar's bindings, written through
 * before every 200 OK so a restart or crash loses none that was
 * acknowledged. A binding belongs to a device and goes with it.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { lengthBetween } from './ddl-helpers.ts';
import type { Migration } from './migration.ts';

const ID = 'varchar(36)';

export const registrationsMigration: Migration = {
  version: 3,
  name: 'registrations',
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('registrations')
      .addColumn('id', ID, (c) => c.primaryKey())
      .addColumn('tenant_id', ID, (c) => c.notNull())
      .addColumn('user_id', ID, (c) => c.notNull())
      .addColumn('device_id', ID, (c) => c.notNull().references('devices.id').onDelete('cascade'))
      .addColumn('aor', 'varchar(400)', (c) => c.notNull().check(lengthBetween('aor', 1, 400)))
      .addColumn('contact_uri', 'varchar(1024)', (c) =>
        c.notNull().check(lengthBetween('contact_uri', 1, 1024)),
      )
      .addColumn('contact_header', 'varchar(2048)', (c) =>
        c.notNull().check(lengthBetween('contact_header', 1, 2048)),
      )
      .addColumn('instance_id', 'varchar(256)', (c) =>
        c.check(lengthBetween('instance_id', 1, 256)),
      )
      .addColumn('reg_id', 'integer')
      .addColumn('q', 'real')
      .addColumn('call_id', 'varchar(256)', (c) =>
        c.notNull().check(lengthBetween('call_id', 1, 256)),
      )
      .addColumn('cseq', 'bigint', (c) => c.notNull())
      .addColumn('path', 'varchar(4096)', (c) =>
        c
          .notNull()
          .defaultTo('[]')
          .check(lengthBetween('path', 2, 4096)),
      )
      .addColumn('transport', 'varchar(8)', (c) =>
        c.notNull().check(sql`transport in ('UDP', 'TCP', 'TLS', 'SCTP', 'WS', 'WSS')`),
      )
      .addColumn('source_address', 'varchar(64)', (c) =>
        c.notNull().check(lengthBetween('source_address', 1, 64)),
      )
      .addColumn('source_port', 'integer', (c) =>
        c.notNull().check(sql`source_port between 0 and 65535`),
      )
      .addColumn('user_agent', 'varchar(256)', (c) =>
        c
          .notNull()
          .defaultTo('')
          .check(lengthBetween('user_agent', 0, 256)),
      )
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('registered_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('registrations_device_id_idx')
      .on('registrations')
      .column('device_id')
      .execute();
    await db.schema
      .createIndex('registrations_tenant_aor_idx')
      .on('registrations')
      .columns(['tenant_id', 'aor'])
      .execute();
    await db.schema
      .createIndex('registrations_expires_at_idx')
      .on('registrations')
      .column('expires_at')
      .execute();
  },
};
