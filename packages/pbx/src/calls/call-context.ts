/**
 * The narrow view of one answered call that the in-dialog procedures work
 * on (in-dialog-offer.ts: re-INVITE, UPDATE, INFO; transfer.ts: REFER).
 * `Call` is the coordinator: it owns the legs, the media session and the
 * state machine, hands the procedures this view and keeps the rest (ringing,
 * answering, hanging up) to itself. A procedure changes the call only
 * through it.
 */
import type { CodecSpec, LegId, MediaSession } from '@palisade/media';
import type { ExtraHeaders } from '@palisade/sip';
import type { CdrCauseSide } from '../ports/cdr-repository.ts';
import type { CallState } from './call-state.ts';
import type { DialogLeg } from './dialog-leg.ts';

/** Answers the in-dialog request being handled (with the leg's common headers). */
export type Respond = (status: number, init?: { sdp?: string; headers?: ExtraHeaders }) => void;

/**
 * What runs inside the call right now: one offer at a time (RFC 3261 §14.2,
 * RFC 3311 §5.2), a transfer counting as one.
 */
export interface Negotiation {
  busy: boolean;
  /** The leg whose REFER is being carried out (its BYE then ends only that leg). */
  transferor: DialogLeg | undefined;
}

export interface AnsweredCall {
  state(): CallState;
  /** The call's media session; undefined before the answer and once the call is over. */
  media(): MediaSession | undefined;
  /** The codecs we offer (undefined: the engine's defaults). */
  readonly codecs: readonly CodecSpec[] | undefined;
  /** The SDP each phone sent us last, by media leg (re-offers on transfer, hold state). */
  readonly remoteSdp: Map<LegId, string>;
  readonly negotiation: Negotiation;
  /** The leg facing `leg` in this call (a ↔ b). */
  otherLeg(leg: DialogLeg): DialogLeg | undefined;
  /** A phone refreshed the session itself (RFC 4028): the session timer starts again. */
  sessionRefreshed(): void;
  /** Ends the call (BYE to its legs, CDR committed); idempotent. */
  hangUp(side: CdrCauseSide, cause: string): Promise<void>;
}
