/**
 * What SSO needs to do with local accounts. Security does not own users (the
 * directory in pbx does); the composition root adapts it to this port.
 */
export interface SsoAccount {
  readonly id: string;
  readonly tenantId: string;
  readonly username: string;
  readonly displayName: string;
  readonly email: string | null;
  readonly phone: string | null;
  readonly active: boolean;
  readonly isAdmin: boolean;
}

/** What an IdP or directory says about a person. */
export interface SsoProfile {
  /** Preferred login name (made unique by the adapter). */
  readonly username: string;
  readonly displayName: string;
  readonly email: string | null;
  readonly phone: string | null;
}

export interface SsoAccountPort {
  findById(userId: string): Promise<SsoAccount | null>;
  /** Creates an active account (the adapter picks a free extension). */
  create(tenantId: string, profile: SsoProfile): Promise<SsoAccount>;
  /** Updates name, e-mail and phone (not the login name). */
  updateProfile(userId: string, profile: Omit<SsoProfile, 'username'>): Promise<SsoAccount>;
  setActive(userId: string, active: boolean): Promise<void>;
  /**
   * Makes the account a member of exactly the `wanted` groups among
   * `managed` (groups outside `managed` are left alone). Returns the changes.
   */
  syncGroups(
    userId: string,
    wanted: readonly string[],
    managed: readonly string[],
  ): Promise<{ added: string[]; removed: string[] }>;
  /** Ids of the ACL groups the account belongs to. */
  groupIds(userId: string): Promise<string[]>;
  /** A second factor is mandatory for this account. */
  mfaRequired(userId: string): Promise<boolean>;
}
