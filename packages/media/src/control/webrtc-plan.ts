/**
 * Offer/answer decisions for WebRTC legs: our ICE-lite credentials, what we
 * need from the browser's SDP, and who is the DTLS server (RFC 5763 §5:
 * the answerer to `actpass` picks; we answer `passive`, so the browser is
 * the DTLS client, and we offer `actpass`).
 */
import { randomBytes } from 'node:crypto';
import { PalisadeError } from '@palisade/common';
import { fingerprint, iceCredentials, mediaId, rtcpMux, setupRole } from '../sdp/sdp-attributes.ts';
import type { Fingerprint, SetupRole } from '../sdp/sdp-attributes.ts';
import type { SdpMedia, SessionDescription } from '../sdp/sdp-types.ts';
import type { DtlsRole } from '../webrtc/dtls-leg.ts';
import type { WebrtcSideConfig } from '../worker/worker-protocol.ts';

export interface IceCredentials {
  readonly ufrag: string;
  readonly pwd: string;
}

export interface RemoteWebrtc {
  readonly ufrag: string;
  readonly fingerprint: Fingerprint;
  readonly setup: SetupRole;
  readonly mid: string | undefined;
}

const ICE_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function iceString(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ICE_CHARS[b & 63];
  return out;
}

/** RFC 8839 §5.4: ufrag ≥ 24 bits, pwd ≥ 128 bits of randomness; we use 48 and 192. */
export function newIceCredentials(): IceCredentials {
  return { ufrag: iceString(8), pwd: iceString(32) };
}

function refuse(message: string): never {
  throw new PalisadeError('unsupported_media', message);
}

/** What a WebRTC peer's offer or answer must carry for us to talk to it. */
export function readRemoteWebrtc(
  sdp: SessionDescription,
  m: SdpMedia,
  isAnswer: boolean,
): RemoteWebrtc {
  if (m.proto !== 'UDP/TLS/RTP/SAVPF' && m.proto !== 'UDP/TLS/RTP/SAVP')
    refuse('only UDP/TLS/RTP/SAVPF is supported for DTLS-SRTP');
  const ice = iceCredentials(sdp, m);
  if (!ice) refuse('WebRTC media without ICE credentials');
  const fp = fingerprint(sdp, m);
  if (!fp) refuse('DTLS-SRTP media without a fingerprint');
  if (!['sha-1', 'sha-224', 'sha-256', 'sha-384', 'sha-512'].includes(fp.hashFunction))
    refuse('unsupported fingerprint hash function');
  if (!rtcpMux(m)) refuse('WebRTC media must use rtcp-mux');
  const setup = setupRole(sdp, m) ?? (isAnswer ? 'active' : 'actpass');
  if (setup === 'holdconn') refuse('a=setup:holdconn is not supported');
  if (isAnswer && setup === 'actpass') refuse('an answer may not say a=setup:actpass');
  return { ufrag: ice.ufrag, fingerprint: fp, setup, mid: mediaId(m) };
}

/**
 * Our DTLS role given the peer's a=setup: client when it says passive,
 * server when it says active; to actpass we keep the role an earlier
 * exchange set (a re-offer must not flip the DTLS association, RFC 8842
 * §5.3), and are the server the first time.
 */
export function ourDtlsRole(remote: SetupRole, current?: DtlsRole): DtlsRole {
  if (remote === 'passive') return 'client';
  if (remote === 'active') return 'server';
  return current ?? 'server';
}

/** Our a=setup in an answer, for the role we take. */
export function answerSetup(role: DtlsRole): SetupRole {
  return role === 'server' ? 'passive' : 'active';
}

/** Our a=setup in an offer: actpass the first time, then the role we already have. */
export function offerSetup(current?: DtlsRole): SetupRole {
  return current === undefined ? 'actpass' : answerSetup(current);
}

export function webrtcSide(
  local: IceCredentials,
  remote: RemoteWebrtc,
  current?: DtlsRole,
): WebrtcSideConfig {
  return {
    localUfrag: local.ufrag,
    localPwd: local.pwd,
    remoteUfrag: remote.ufrag,
    dtlsRole: ourDtlsRole(remote.setup, current),
    remoteFingerprint: remote.fingerprint,
  };
}
