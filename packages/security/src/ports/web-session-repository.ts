/**
 * Web sessions (PRODUCT §C4). A row exists from the moment a password was
 * right: `stage` says what is still missing before it may act. Only hashes of
 * the session token and of its CSRF token are stored.
 */
export type SessionKind = 'console' | 'app';
/** `location`: held until a new network is confirmed; `mfa`: waits for a second factor; `active`: usable. */
export type SessionStage = 'location' | 'mfa' | 'active';

export interface WebSession {
  readonly id: string;
  readonly tokenHash: string;
  readonly csrfHash: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly kind: SessionKind;
  readonly stage: SessionStage;
  /** Must enrol a second factor before anything but enrolment is allowed. */
  readonly mustEnrolMfa: boolean;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  readonly expiresAt: number;
  readonly idleTimeoutMs: number;
  /** Last time the password (and second factor) were checked: login or re-authentication. */
  readonly authenticatedAt: number;
  readonly remoteAddress: string;
  readonly userAgent: string;
  readonly revokedAt: number | null;
  readonly revokeReason: string | null;
}

/** What the caller chooses; the repository sets the id, the times and the revocation fields. */
export type NewWebSession = Omit<
  WebSession,
  'id' | 'createdAt' | 'lastSeenAt' | 'revokedAt' | 'revokeReason'
>;

export interface WebSessionPatch {
  readonly tokenHash?: string;
  readonly csrfHash?: string;
  readonly stage?: SessionStage;
  readonly mustEnrolMfa?: boolean;
  readonly lastSeenAt?: number;
  readonly expiresAt?: number;
  readonly idleTimeoutMs?: number;
  readonly authenticatedAt?: number;
}

export interface WebSessionRepository {
  create(input: NewWebSession): Promise<WebSession>;
  findById(id: string): Promise<WebSession | null>;
  /** The session with this token hash, revoked or expired ones included (the caller decides). */
  findByTokenHash(tokenHash: string): Promise<WebSession | null>;
  /** 'not_found' for an unknown id; a revoked session is not changed (returns null). */
  update(id: string, patch: WebSessionPatch): Promise<WebSession | null>;
  /** True when this call revoked it (false: unknown or revoked already). */
  revoke(id: string, at: number, reason: string): Promise<boolean>;
  /** Revokes every live session of the user except `exceptId`; returns how many. */
  revokeAllOfUser(userId: string, at: number, reason: string, exceptId?: string): Promise<number>;
  /** Sessions neither revoked nor past `expiresAt` at `now`, newest first. */
  listLive(filter: { userId?: string; tenantId?: string }, now: number): Promise<WebSession[]>;
}
