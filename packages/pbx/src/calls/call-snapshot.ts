/**
 * What an administrator may see of a call in progress (PRODUCT §E1 "live
 * calls"): who calls whom, how far the call got, and how each phone is
 * connected. Never SDP, keys, secrets or addresses beyond the transport.
 */
import type { MediaTransport } from '@palisade/media';
import type { TransportName } from '@palisade/sip';

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
