/**
 * The status a user set for colleagues to see (PRODUCT §E2, §F1 presence):
 * one row per user. Do-not-disturb is not stored here: it is the user's
 * call-forwarding setting (calls/call-settings.ts), which routing obeys.
 */

export const STORED_STATUSES = ['available', 'away', 'busy'] as const;
export type StoredStatus = (typeof STORED_STATUSES)[number];

export interface UserPresence {
  readonly tenantId: string;
  readonly userId: string;
  readonly status: StoredStatus;
  readonly updatedAt: number;
}

export interface PresenceRepository {
  get(userId: string): Promise<UserPresence | null>;
  /** Inserts or replaces; 'not_found' naming `userId` for a user not of that tenant. */
  set(tenantId: string, userId: string, status: StoredStatus): Promise<UserPresence>;
  /** Every stored status of the tenant's users. */
  listByTenant(tenantId: string): Promise<UserPresence[]>;
}
