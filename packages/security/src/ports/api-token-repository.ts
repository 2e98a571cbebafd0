/**
 * API tokens for integrations. The caller hashes the random token and gives
 * only the hash; storage never sees the token itself.
 */
export interface ApiToken {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  readonly tokenHash: string;
  readonly scopes: readonly string[];
  /** The actor that created it, e.g. `user:<id>` or `cli`. */
  readonly createdBy: string;
  readonly createdAt: number;
  readonly expiresAt: number | null;
  readonly lastUsedAt: number | null;
  readonly revokedAt: number | null;
}

export interface NewApiToken {
  readonly tenantId: string;
  readonly name: string;
  readonly tokenHash: string;
  readonly scopes: readonly string[];
  readonly createdBy: string;
  readonly expiresAt?: number | null;
}

export interface ApiTokenRepository {
  /** Throws PalisadeError('conflict') naming `tokenHash` on a duplicate hash. */
  create(input: NewApiToken): Promise<ApiToken>;
  findById(id: string): Promise<ApiToken | null>;
  /** The token with this hash if it is neither revoked nor expired at `now`. */
  findActiveByHash(tokenHash: string, now: number): Promise<ApiToken | null>;
  /** Records a use; a no-op for an unknown id. */
  touchLastUsed(id: string, at: number): Promise<void>;
  /**
   * Revokes the token at `at` (an already revoked token keeps its first
   * revocation time). Throws PalisadeError('not_found') for an unknown id.
   */
  revoke(id: string, at: number): Promise<ApiToken>;
  /** All tokens of the tenant, revoked ones included, newest first. */
  list(tenantId: string): Promise<ApiToken[]>;
}
