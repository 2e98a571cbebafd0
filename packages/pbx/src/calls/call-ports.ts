/**
 * What call control needs from the rest of the server (the consumer owns
 * the interface): where a user's devices can be reached now (the
 * registrar's location service), how to reach our own transport, and where
 * audit events go.
 */
import type { AuditRecord } from '@palisade/security';
import type { Destination, Uri } from '@palisade/sip';

/** One registered contact of a user: where an INVITE for them goes. */
export interface CallTarget {
  readonly userId: string;
  readonly deviceId: string;
  /** The Request-URI: the registered Contact URI. */
  readonly uri: Uri;
  /** Where to send it: the flow the registration came over (NAT-aware). */
  readonly destination: Destination;
}

export interface LocationLookup {
  /** The live registered contacts of every device of the user; empty when none. */
  contactsOf(tenantId: string, userId: string): Promise<readonly CallTarget[]>;
}

export interface AuditSink {
  record(r: AuditRecord): Promise<void>;
}
