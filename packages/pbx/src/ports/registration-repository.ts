import type { ListOptions } from './list-options.ts';

/**
 * One registered contact of a device (RFC 3261 §10.3): the address-of-record
 * it answers for, where to reach it, and what the registrar needs to apply
 * the Call-ID/CSeq ordering rules and RFC 5626 flows. Times are epoch ms.
 */
export interface RegistrationBinding {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly deviceId: string;
  /** `sip:user@domain`, as the registrar canonicalised it. */
  readonly aor: string;
  /** The Contact URI as registered. */
  readonly contactUri: string;
  /** The whole Contact value (with q, +sip.instance, reg-id, …), as sent. */
  readonly contactHeader: string;
  /** RFC 5626 +sip.instance (e.g. `urn:uuid:…`), or null. */
  readonly instanceId: string | null;
  readonly regId: number | null;
  readonly q: number | null;
  readonly callId: string;
  readonly cseq: number;
  /** RFC 3327 Path values, top first. */
  readonly path: readonly string[];
  /** UDP, TCP, TLS, WS or WSS: how the REGISTER arrived. */
  readonly transport: string;
  /** Where the REGISTER came from (the flow: NAT-aware routing goes here). */
  readonly sourceAddress: string;
  readonly sourcePort: number;
  /**
   * The connection a WS or WSS binding is reachable over (RFC 7118 §5: a
   * WebSocket client can only be reached on the connection it opened). Held
   * in memory only, never stored: no connection outlives the process.
   */
  readonly connectionId?: string;
  readonly userAgent: string;
  readonly expiresAt: number;
  /** When this contact was first registered (a refresh keeps it). */
  readonly registeredAt: number;
  readonly updatedAt: number;
}

export interface RegistrationFilter {
  readonly tenantId: string;
  readonly userId?: string;
  readonly deviceId?: string;
  /** Only bindings that expire after this instant. */
  readonly now: number;
}

export interface RegistrationRepository {
  /**
   * Removes the bindings with ids in `remove` and writes `upsert` (replacing
   * bindings with the same id), all in one transaction: when it resolves,
   * the change is durable.
   */
  apply(changes: {
    readonly upsert: readonly RegistrationBinding[];
    readonly remove: readonly string[];
  }): Promise<void>;
  /** Every binding still valid at `now` (loaded at start). */
  listUnexpired(now: number): Promise<RegistrationBinding[]>;
  /** Ordered by AOR, then contact. */
  list(filter: RegistrationFilter, options?: ListOptions): Promise<RegistrationBinding[]>;
  /** Deletes bindings that expired at or before `now`; returns how many. */
  purgeExpired(now: number): Promise<number>;
}
