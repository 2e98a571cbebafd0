/**
 * The typed request channel between the control plane (main thread) and a
 * relay worker. Every request carries an id and gets exactly one response
 * with that id; the worker may also push events. Only plain data crosses.
 */
import type { ErrorCode } from '@palisade/common';
import type { LegStats, WrongSourceReport } from '../control/media-engine.ts';
import type { SrtpKeyMaterial } from '../srtp/srtp-context.ts';
import type { Fingerprint } from '../sdp/sdp-attributes.ts';
import type { DtlsRole } from '../webrtc/dtls-leg.ts';

/** A WebRTC leg: ICE-lite credentials and the DTLS parameters from both SDPs. */
export interface WebrtcSideConfig {
  readonly localUfrag: string;
  readonly localPwd: string;
  readonly remoteUfrag: string;
  readonly dtlsRole: DtlsRole;
  /** The peer's a=fingerprint: its DTLS certificate must match. */
  readonly remoteFingerprint: Fingerprint;
}

/** Where a relay side sends, and whom it accepts packets from. */
export interface SideConfig {
  /** Source IPs allowed before latching: the SDP address and the signalling source. */
  readonly expectedAddresses: readonly string[];
  /** Destination address and ports from the peer's SDP (port 0: none). */
  readonly address: string;
  readonly rtpPort: number;
  readonly rtcpPort: number;
  readonly rtcpMux: boolean;
  /** The peer's SRTP key: what we decrypt with. */
  readonly decrypt?: SrtpKeyMaterial;
  /** Our SRTP key towards the peer: what we encrypt with. */
  readonly encrypt?: SrtpKeyMaterial;
  /** Set on a WebRTC leg: keys come from DTLS, the peer address from ICE. */
  readonly webrtc?: WebrtcSideConfig;
}

export interface WorkerSettings {
  readonly bindAddress: string;
  readonly mediaTimeoutMs: number;
  readonly replayWindow: number;
  /** The engine's DTLS certificate and key (PEM) for WebRTC legs. */
  readonly dtls?: { readonly certPem: string; readonly keyPem: string };
}

export interface WorkerApi {
  /** Binds RTP (even) and RTCP (+1) sockets for both sides of one stream. */
  openStream: {
    params: { sessionId: string; stream: number; ports: readonly [number, number] };
    result: null;
  };
  configureSide: {
    params: { sessionId: string; stream: number; side: 0 | 1; config: SideConfig };
    result: null;
  };
  deleteSession: { params: { sessionId: string }; result: { ports: number[] } };
  sessionStats: { params: { sessionId: string }; result: readonly [LegStats, LegStats] };
}

export type WorkerMethod = keyof WorkerApi;

export type WorkerRequest = {
  [K in WorkerMethod]: {
    readonly id: number;
    readonly method: K;
    readonly params: WorkerApi[K]['params'];
  };
}[WorkerMethod];

export interface WireError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export type WorkerResponse =
  | { readonly kind: 'response'; readonly id: number; readonly ok: true; readonly result: unknown }
  | {
      readonly kind: 'response';
      readonly id: number;
      readonly ok: false;
      readonly error: WireError;
    };

export type WorkerEvent =
  | {
      readonly kind: 'event';
      /** session-failed: a WebRTC leg's DTLS failed (e.g. fingerprint mismatch); the session is gone. */
      readonly type: 'session-timeout' | 'session-failed';
      readonly sessionId: string;
      readonly ports: number[];
      readonly reason?: string;
    }
  | {
      readonly kind: 'event';
      /** Packets dropped for their source since the last such event (at most one a second). */
      readonly type: 'wrong-source';
      readonly sources: readonly WrongSourceReport[];
      /** Dropped packets from sources beyond the listed ones. */
      readonly unlisted: number;
    };

export type WorkerMessage = WorkerResponse | WorkerEvent;
