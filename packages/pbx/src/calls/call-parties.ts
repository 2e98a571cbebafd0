/**
 * Who is on a call and how far, one entry per device: what the dialog event
 * package (RFC 4235, busy-lamp fields) and presence show of the users
 * involved. A call reports its parties whenever they change (`CallRegistry
 * .activity`); an empty list means the call is over for everyone.
 *
 *   caller's device:   routing → trying, ringing → early, answered → confirmed
 *   a callee's device: early while its branch rings, confirmed once it answered
 *
 * Parties never carry SIP identifiers (Call-IDs, tags) or addresses: a
 * watcher learns only who talks to whom inside the tenant.
 */
import type { CallTarget } from './call-ports.ts';

export type PartyDirection = 'initiator' | 'recipient';

/** RFC 4235 §3.7.1 dialog states a party can be in while the call lives. */
export type PartyState = 'trying' | 'early' | 'confirmed';

/** A party as the other side is shown it: an extension (or what was dialled) and a name. */
export interface PartyIdentity {
  readonly number: string;
  readonly displayName: string | null;
}

/** Who is on one leg of an answered call. */
export interface LegParty {
  readonly userId: string;
  readonly deviceId: string;
  readonly direction: PartyDirection;
  readonly identity: PartyIdentity;
}

export interface CallParty extends LegParty {
  readonly state: PartyState;
  /** The other end as this party sees it. */
  readonly peer: PartyIdentity;
}

export interface CallActivity {
  /** Stable for the call's life (the caller's Call-ID); never shown to watchers. */
  readonly callId: string;
  readonly tenantId: string;
  readonly parties: readonly CallParty[];
}

/** The devices a round of ringing reaches, as recipients in the early state. */
export function ringingParties(
  targets: readonly CallTarget[],
  caller: PartyIdentity,
  dialled: PartyIdentity,
): CallParty[] {
  return targets.map((t) => ({
    userId: t.userId,
    deviceId: t.deviceId,
    direction: 'recipient',
    identity: dialled,
    state: 'early',
    peer: caller,
  }));
}
