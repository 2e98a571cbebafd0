/**
 * What the B2BUA reports for others to act on: the intrusion detector
 * counts INVITEs to destinations that do not exist or that the caller may
 * not call (toll-fraud probing) per source address. Detectors report,
 * policies decide: the B2BUA only tells. Presence follows who is on which
 * call (`activity`).
 */
import type { TransportName } from '@palisade/sip';
import type { CallActivity } from './call-parties.ts';

export interface BadDestination {
  readonly sourceAddress: string;
  readonly sourcePort: number;
  readonly transport: TransportName;
  readonly tenantId: string;
  /** The authenticated caller's device (SIP user name). */
  readonly username: string;
  /** As dialled (at most 64 characters); empty when the Request-URI named none. */
  readonly number: string;
  /** 404: no such destination; 403: the caller's groups may not call it. */
  readonly status: 403 | 404;
}

// a type alias so it satisfies TypedEmitter's index signature
export type B2buaEvents = {
  readonly 'bad-destination': BadDestination;
  /** Who is on a call changed (busy lamps, presence); no parties: the call is over. */
  readonly activity: CallActivity;
};
