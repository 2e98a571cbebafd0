/**
 * What the registrar reports for others to act on: the intrusion detector
 * (issue on §D) listens for authentication failures per source address.
 * Detectors report, policies decide: the registrar only tells.
 */
import type { TransportName } from '@palisade/sip';

export interface SipAuthFailure {
  readonly sourceAddress: string;
  readonly sourcePort: number;
  readonly transport: TransportName;
  /** As the peer sent it (may be a name that does not exist). */
  readonly username: string;
  readonly realm: string;
  /** For logs and detectors only; never sent to the peer. */
  readonly reason: string;
}

// a type alias so it satisfies TypedEmitter's index signature
export type RegistrarEvents = {
  readonly 'auth-failure': SipAuthFailure;
};
