/**
 * How a store tells that SIP credentials may have changed, for whoever
 * caches them (the directory cache of the SIP hot paths): a device's HA1
 * values, SIP username or deletion, a user's state or deletion, a tenant's
 * SIP domain.
 */
export interface CredentialChanges {
  /**
   * Calls `listener` after each such change made through this store (this
   * process), and again once the transaction holding it commits. Returns
   * the unsubscribe function.
   */
  onCredentialsChanged(listener: () => void): () => void;
  /** A counter every writer moves on such a change: this process, another one, another node. */
  credentialsGeneration(): Promise<number>;
}
