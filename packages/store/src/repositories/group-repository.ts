import { randomUUID } from 'node:crypto';
import { PalisadeError } from '@palisade/common';
import { DEFAULT_ADMINS_GROUP, DEFAULT_USERS_GROUP } from '@palisade/pbx';
import type {
  DefaultGroupPermissions,
  DefaultGroups,
  Group,
  GroupPatch,
  GroupRepository,
  ListOptions,
  NewGroup,
} from '@palisade/pbx';
import type { Selectable, Updateable } from 'kysely';
import type { GroupsTable } from '../schema/database.ts';
import { guarded } from './constraint-errors.ts';
import { paging, toBool } from './repository-context.ts';
import { parseStringArray } from './string-array.ts';
import type { RepositoryContext } from './repository-context.ts';

function toGroup(row: Selectable<GroupsTable>): Group {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    description: row.description,
    isAdmin: toBool(row.is_admin),
    permissions: parseStringArray(row.permissions),
    createdAt: Number(row.created_at),
  };
}

export class SqlGroupRepository implements GroupRepository {
  readonly #ctx: RepositoryContext;

  constructor(ctx: RepositoryContext) {
    this.#ctx = ctx;
  }

  async create(input: NewGroup): Promise<Group> {
    const row = this.#newRow(input);
    await guarded(() => this.#ctx.db.insertInto('groups').values(row).execute(), {
      foreignKeyField: 'tenantId',
    });
    return toGroup(row);
  }

  async findById(id: string): Promise<Group | null> {
    const row = await this.#ctx.db
      .selectFrom('groups')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toGroup(row) : null;
  }

  async findByName(tenantId: string, name: string): Promise<Group | null> {
    const row = await this.#ctx.db
      .selectFrom('groups')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('name', '=', name)
      .executeTakeFirst();
    return row ? toGroup(row) : null;
  }

  async list(tenantId: string, options?: ListOptions): Promise<Group[]> {
    const { limit, offset } = paging(options);
    const rows = await this.#ctx.db
      .selectFrom('groups')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('name')
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map(toGroup);
  }

  async update(id: string, patch: GroupPatch): Promise<Group> {
    const changes: Updateable<GroupsTable> = {
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.description !== undefined && { description: patch.description }),
      ...(patch.isAdmin !== undefined && { is_admin: patch.isAdmin }),
      ...(patch.permissions !== undefined && { permissions: JSON.stringify(patch.permissions) }),
    };
    const row =
      Object.keys(changes).length === 0
        ? await this.#ctx.db
            .selectFrom('groups')
            .selectAll()
            .where('id', '=', id)
            .executeTakeFirst()
        : await guarded(() =>
            this.#ctx.db
              .updateTable('groups')
              .set(changes)
              .where('id', '=', id)
              .returningAll()
              .executeTakeFirst(),
          );
    if (!row) throw new PalisadeError('not_found', 'no such group', { details: { id } });
    return toGroup(row);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.#ctx.db.deleteFrom('groups').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async ensureDefaultGroups(
    tenantId: string,
    permissions: DefaultGroupPermissions,
  ): Promise<DefaultGroups> {
    const wanted = [
      { name: DEFAULT_USERS_GROUP, isAdmin: false, permissions: permissions.users },
      { name: DEFAULT_ADMINS_GROUP, isAdmin: true, permissions: permissions.admins },
    ];
    for (const g of wanted) {
      await guarded(
        () =>
          this.#ctx.db
            .insertInto('groups')
            .values(this.#newRow({ tenantId, ...g }))
            .onConflict((oc) => oc.columns(['tenant_id', 'name']).doNothing())
            .execute(),
        { foreignKeyField: 'tenantId' },
      );
    }
    const users = await this.findByName(tenantId, DEFAULT_USERS_GROUP);
    const admins = await this.findByName(tenantId, DEFAULT_ADMINS_GROUP);
    if (!users || !admins) throw new Error('default groups vanished after creation');
    return { users, admins };
  }

  async addMember(groupId: string, userId: string): Promise<boolean> {
    // The tenant comes from the group; the (tenant_id, user_id) foreign key
    // then refuses a user of another tenant.
    const result = await guarded(
      () =>
        this.#ctx.db
          .insertInto('group_members')
          .columns(['tenant_id', 'group_id', 'user_id'])
          .expression((eb) =>
            eb
              .selectFrom('groups')
              .select((s) => [
                'tenant_id',
                'id',
                s.cast<string>(s.val(userId), 'varchar(36)').as('user_id'),
              ])
              .where('id', '=', groupId),
          )
          .onConflict((oc) => oc.columns(['group_id', 'user_id']).doNothing())
          .executeTakeFirst(),
      { foreignKeyField: 'userId' },
    );
    if (result.numInsertedOrUpdatedRows === 1n) return true;
    // Nothing inserted: either already a member or no such group.
    const group = await this.findById(groupId);
    if (!group)
      throw new PalisadeError('not_found', 'no such group', { details: { field: 'groupId' } });
    return false;
  }

  async removeMember(groupId: string, userId: string): Promise<boolean> {
    const result = await this.#ctx.db
      .deleteFrom('group_members')
      .where('group_id', '=', groupId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async listMemberIds(groupId: string): Promise<string[]> {
    const rows = await this.#ctx.db
      .selectFrom('group_members')
      .select('user_id')
      .where('group_id', '=', groupId)
      .execute();
    return rows.map((r) => r.user_id);
  }

  async listGroupsOfUser(userId: string): Promise<Group[]> {
    const rows = await this.#ctx.db
      .selectFrom('groups')
      .innerJoin('group_members', 'group_members.group_id', 'groups.id')
      .selectAll('groups')
      .where('group_members.user_id', '=', userId)
      .orderBy('groups.name')
      .execute();
    return rows.map(toGroup);
  }

  #newRow(input: NewGroup) {
    return {
      id: randomUUID(),
      tenant_id: input.tenantId,
      name: input.name,
      description: input.description ?? '',
      is_admin: input.isAdmin ?? false,
      permissions: JSON.stringify(input.permissions ?? []),
      created_at: this.#ctx.clock.now(),
    };
  }
}
