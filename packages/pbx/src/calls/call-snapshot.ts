/**
 * What an administrator may see of a call in progress (PRODUCT §E1 "live
 * calls"): who calls whom, how far the call got, and how each phone is
 * connected. Never SDP, keys, secrets or addresses beyond the transport.
 */
import { isHold, parseSdp } from '@palisade/media';
import type { MediaTransport } from '@palisade/media';
import type { TransportName } from '@palisade/sip';
import type { Cdr } from '../ports/cdr-repository.ts';
import type { AuthenticatedCaller } from './caller-authenticator.ts';

/** `ringing` until a branch answers; `held` while a phone's last offer puts the media on hold. */
export type LiveCallState = 'ringing' | 'answered' | 'held';

/** The media profile a phone speaks: plain RTP, SDES-SRTP, or WebRTC (ICE and DTLS-SRTP). */
export type MediaProfile = 'RTP' | 'SRTP' | 'WebRTC';

export const MEDIA_PROFILES: Readonly<Record<MediaTransport, MediaProfile>> = {
  'RTP/AVP': 'RTP',
  'RTP/SAVP': 'SRTP',
  'UDP/TLS/RTP/SAVPF': 'WebRTC',
};

export interface CallLegView {
  /** The SIP transport of the phone's flow (UDP, TCP, TLS, WS, WSS). */
  readonly transport: TransportName;
  readonly media: MediaProfile;
}

export interface CallSnapshot {
  /** The call's CDR id: the same id the call record keeps once the call is over. */
  readonly id: string;
  readonly tenantId: string;
  readonly caller: {
    readonly userId: string;
    readonly deviceId: string;
    readonly extension: string;
    readonly displayName: string;
  };
  /** The number dialled, as the CDR keeps it. */
  readonly dialled: string;
  /** The user being rung or who answered (null while a ring group rings) and their answering device. */
  readonly calleeUserId: string | null;
  readonly calleeDeviceId: string | null;
  readonly state: LiveCallState;
  readonly startedAt: number;
  readonly answeredAt: number | null;
  readonly callerLeg: CallLegView;
  /** Null until a branch answers. */
  readonly calleeLeg: CallLegView | null;
}

/** What a call in progress tells `callSnapshot` about itself. */
export interface CallView {
  readonly cdr: Cdr;
  /** Still ringing (routing or ringing), else answered. */
  readonly ringing: boolean;
  readonly caller: AuthenticatedCaller;
  readonly callee: { readonly userId: string | null; readonly deviceId: string | null };
  readonly answeredAt: number | null;
  readonly callerLeg: { readonly transport: TransportName; readonly media: MediaTransport };
  /** Undefined until a branch answers. */
  readonly calleeLeg:
    { readonly transport: TransportName; readonly media: MediaTransport } | undefined;
  /** The SDP each phone sent last. */
  readonly remoteSdps: Iterable<string>;
}

export function callSnapshot(view: CallView): CallSnapshot {
  const { cdr, caller, callerLeg, calleeLeg } = view;
  const { user, device } = caller;
  return {
    id: cdr.id,
    tenantId: cdr.tenantId,
    caller: {
      userId: user.id,
      deviceId: device.id,
      extension: user.extension,
      displayName: user.displayName,
    },
    dialled: cdr.callee,
    calleeUserId: view.callee.userId,
    calleeDeviceId: view.callee.deviceId,
    state: view.ringing ? 'ringing' : isOnHold(view.remoteSdps) ? 'held' : 'answered',
    startedAt: cdr.startedAt,
    answeredAt: view.answeredAt,
    callerLeg: { transport: callerLeg.transport, media: MEDIA_PROFILES[callerLeg.media] },
    calleeLeg: calleeLeg
      ? { transport: calleeLeg.transport, media: MEDIA_PROFILES[calleeLeg.media] }
      : null,
  };
}

/** A phone's last offer put the media on hold (RFC 3264 §8.4: sendonly, inactive or a null address). */
export function isOnHold(sdps: Iterable<string>): boolean {
  return [...sdps].some((sdp) => {
    try {
      return isHold(parseSdp(sdp));
    } catch {
      return false;
    }
  });
}
