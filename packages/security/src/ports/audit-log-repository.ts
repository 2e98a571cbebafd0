/**
 * The append-only audit trail: who did what, when, from where, and how it
 * ended. Entries are never updated or deleted (the database refuses it too).
 */
export type AuditOutcome = 'success' | 'failure' | 'denied';

export interface AuditEntry {
  /** Increasing in insertion order. */
  readonly id: number;
  readonly at: number;
  readonly tenantId: string | null;
  /** `user:<id>`, `token:<id>`, `cli` or `system`. */
  readonly actor: string;
  /** Dotted, e.g. `user.create`. */
  readonly action: string;
  readonly target: string | null;
  readonly remoteAddress: string | null;
  readonly remotePort: number | null;
  readonly outcome: AuditOutcome;
  /** Non-secret structured detail. */
  readonly detail: Readonly<Record<string, unknown>>;
}

export interface NewAuditEntry {
  /** Defaults to the store's clock. */
  readonly at?: number;
  readonly tenantId?: string | null;
  readonly actor: string;
  readonly action: string;
  readonly target?: string | null;
  readonly remoteAddress?: string | null;
  readonly remotePort?: number | null;
  readonly outcome: AuditOutcome;
  readonly detail?: Readonly<Record<string, unknown>>;
}

export interface AuditQuery {
  readonly tenantId?: string;
  readonly actor?: string;
  /** `user` matches `user` and `user.create`, not `username.x`. */
  readonly actionPrefix?: string;
  /** Inclusive lower bound on `at`. */
  readonly from?: number;
  /** Exclusive upper bound on `at`. */
  readonly to?: number;
  /** Defaults to 100, capped at 1000. */
  readonly limit?: number;
  /** The `nextCursor` of the previous page. */
  readonly cursor?: number;
}

export interface AuditPage {
  /** Newest first. */
  readonly entries: AuditEntry[];
  /** Pass as `cursor` for the next (older) page; null when this is the last. */
  readonly nextCursor: number | null;
}

export interface AuditLogRepository {
  append(entry: NewAuditEntry): Promise<AuditEntry>;
  query(filter?: AuditQuery): Promise<AuditPage>;
}
