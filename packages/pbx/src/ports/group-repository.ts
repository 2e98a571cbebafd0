import type { ListOptions } from './list-options.ts';

/**
 * An ACL group. `permissions` are opaque strings here: the catalogue belongs
 * to the authorisation code, not to storage.
 */
export interface Group {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  readonly description: string;
  readonly isAdmin: boolean;
  readonly permissions: readonly string[];
  readonly createdAt: number;
}

export interface NewGroup {
  readonly tenantId: string;
  readonly name: string;
  readonly description?: string;
  readonly isAdmin?: boolean;
  readonly permissions?: readonly string[];
}

export interface GroupPatch {
  readonly name?: string;
  readonly description?: string;
  readonly isAdmin?: boolean;
  readonly permissions?: readonly string[];
}

export const DEFAULT_USERS_GROUP = 'Users';
export const DEFAULT_ADMINS_GROUP = 'Admins';

export interface DefaultGroupPermissions {
  readonly users: readonly string[];
  readonly admins: readonly string[];
}

export interface DefaultGroups {
  readonly users: Group;
  readonly admins: Group;
}

export interface GroupRepository {
  /** Throws PalisadeError('conflict') naming `name` when taken in the tenant. */
  create(input: NewGroup): Promise<Group>;
  findById(id: string): Promise<Group | null>;
  findByName(tenantId: string, name: string): Promise<Group | null>;
  /** Ordered by name. */
  list(tenantId: string, options?: ListOptions): Promise<Group[]>;
  /** Throws PalisadeError('not_found') for an unknown id, 'conflict' for a taken name. */
  update(id: string, patch: GroupPatch): Promise<Group>;
  delete(id: string): Promise<boolean>;
  /**
   * Creates the "Users" and "Admins" groups of the tenant when missing (with
   * the given permissions); existing groups are returned unchanged.
   */
  ensureDefaultGroups(
    tenantId: string,
    permissions: DefaultGroupPermissions,
  ): Promise<DefaultGroups>;
  /**
   * Adds the user to the group; true when added, false when already a member.
   * Throws PalisadeError('not_found') when the group or user does not exist or
   * they belong to different tenants.
   */
  addMember(groupId: string, userId: string): Promise<boolean>;
  /** False when the user was not a member. */
  removeMember(groupId: string, userId: string): Promise<boolean>;
  /** User ids of the members, in no particular order. */
  listMemberIds(groupId: string): Promise<string[]>;
  /** The groups a user belongs to, ordered by name. */
  listGroupsOfUser(userId: string): Promise<Group[]>;
}
