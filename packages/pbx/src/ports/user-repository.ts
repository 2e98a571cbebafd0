import type { ListOptions } from './list-options.ts';

export type UserState = 'active' | 'disabled';

/**
 * A person with an extension. `username` is the login name: lower-case,
 * unique per tenant; `extension` is digits, unique per tenant. At most one
 * user in the whole installation is the super-admin.
 */
export interface User {
  readonly id: string;
  readonly tenantId: string;
  readonly username: string;
  readonly extension: string;
  readonly displayName: string;
  readonly email: string | null;
  readonly mobile: string | null;
  readonly state: UserState;
  readonly isSuperAdmin: boolean;
  /** A password hash (PHC string) once web passwords exist; null until then. */
  readonly passwordHash: string | null;
  /** When the password was last set (not when it was only rehashed); null without one. */
  readonly passwordChangedAt: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface NewUser {
  readonly tenantId: string;
  /** Lower-cased by the repository. */
  readonly username: string;
  readonly extension: string;
  readonly displayName: string;
  readonly email?: string | null;
  readonly mobile?: string | null;
  readonly state?: UserState;
  readonly passwordHash?: string | null;
}

export interface UserPatch {
  readonly username?: string;
  readonly extension?: string;
  readonly displayName?: string;
  readonly email?: string | null;
  readonly mobile?: string | null;
  readonly state?: UserState;
  readonly passwordHash?: string | null;
  /** Set with a new password; left out when the same password is only rehashed. */
  readonly passwordChangedAt?: number | null;
}

export interface UserRepository {
  /** Throws PalisadeError('conflict') naming `username` or `extension` when taken. */
  create(input: NewUser): Promise<User>;
  findById(id: string): Promise<User | null>;
  findByUsername(tenantId: string, username: string): Promise<User | null>;
  findByExtension(tenantId: string, extension: string): Promise<User | null>;
  /** Ordered by username. */
  list(tenantId: string, options?: ListOptions): Promise<User[]>;
  count(tenantId: string): Promise<number>;
  /** Throws PalisadeError('not_found') for an unknown id, 'conflict' for a taken name or extension. */
  update(id: string, patch: UserPatch): Promise<User>;
  /** Deletes the user with their devices and memberships; false when it did not exist. */
  delete(id: string): Promise<boolean>;
  /**
   * Makes the user the super-admin. Throws PalisadeError('conflict') naming
   * `isSuperAdmin` when another user already is one, 'not_found' for an unknown id.
   */
  promoteSuperAdmin(userId: string): Promise<User>;
  /** Removes the super-admin flag; 'not_found' for an unknown id. */
  demoteSuperAdmin(userId: string): Promise<User>;
  findSuperAdmin(): Promise<User | null>;
}
