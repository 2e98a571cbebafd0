/**
 * An external identity linked to a local account. The key is (tenant,
 * issuer, subject): an e-mail address is shown, never used to match.
 */
export interface LinkedIdentity {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly providerId: string;
  readonly issuer: string;
  readonly subject: string;
  readonly email: string | null;
  readonly linkedAt: number;
  readonly lastLoginAt: number | null;
}

export interface NewLinkedIdentity {
  readonly tenantId: string;
  readonly userId: string;
  readonly providerId: string;
  readonly issuer: string;
  readonly subject: string;
  readonly email: string | null;
}

export interface LinkedIdentityRepository {
  /**
   * Throws PalisadeError('conflict') naming `subject` when the identity is
   * linked already (to anyone), 'not_found' for an unknown user or provider.
   */
  link(input: NewLinkedIdentity): Promise<LinkedIdentity>;
  find(tenantId: string, issuer: string, subject: string): Promise<LinkedIdentity | null>;
  findById(id: string): Promise<LinkedIdentity | null>;
  /** Oldest first. */
  listOfUser(userId: string): Promise<LinkedIdentity[]>;
  listOfProvider(providerId: string): Promise<LinkedIdentity[]>;
  /** Records a login (and the e-mail the IdP now reports). */
  touchLogin(id: string, at: number, email: string | null): Promise<void>;
  unlink(id: string): Promise<boolean>;
}
