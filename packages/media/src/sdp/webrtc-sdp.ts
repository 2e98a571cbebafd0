/**
 * SDP for WebRTC legs (RFC 8829 as browsers expect it, RFC 8839 ICE, RFC
 * 5763 DTLS-SRTP, RFC 9143 BUNDLE): what we add towards a browser, and what
 * we strip towards a plain or SDES phone.
 */
import type { Fingerprint, SetupRole } from './sdp-attributes.ts';
import type { SdpAttribute, SdpMedia, SessionDescription } from './sdp-types.ts';

export const WEBRTC_PROTOS: ReadonlySet<string> = new Set([
  'UDP/TLS/RTP/SAVPF',
  'UDP/TLS/RTP/SAVP',
]);

export const isWebrtcProto = (proto: string): boolean => WEBRTC_PROTOS.has(proto);

/** Attributes that only mean something between WebRTC endpoints (or to the far end's transport). */
const WEBRTC_ONLY = new Set([
  'ice-ufrag',
  'ice-pwd',
  'ice-options',
  'ice-lite',
  'candidate',
  'end-of-candidates',
  'fingerprint',
  'setup',
  'mid',
  'group',
  'msid',
  'msid-semantic',
  'ssrc',
  'ssrc-group',
  'rtcp-fb',
  'rtcp-rsize',
  'extmap',
  'extmap-allow-mixed',
  'crypto',
  'rtcp',
]);

export interface WebrtcLocalMedia {
  readonly ufrag: string;
  readonly pwd: string;
  readonly fingerprint: Fingerprint;
  readonly setup: SetupRole;
  readonly mid: string;
  readonly address: string;
  readonly port: number;
}

const strip = (attrs: readonly SdpAttribute[]): SdpAttribute[] =>
  attrs.filter((a) => !WEBRTC_ONLY.has(a.name));

/** An m= line as a browser needs it: our ICE-lite candidate and DTLS parameters, rtcp-mux. */
export function toWebrtcMedia(m: SdpMedia, local: WebrtcLocalMedia): SdpMedia {
  const kept = strip(m.attributes).filter((a) => a.name !== 'rtcp-mux');
  const addrType = local.address.includes(':') ? 'IP6' : 'IP4';
  return {
    ...m,
    proto: 'UDP/TLS/RTP/SAVPF',
    attributes: [
      { name: 'mid', value: local.mid },
      { name: 'ice-ufrag', value: local.ufrag },
      { name: 'ice-pwd', value: local.pwd },
      {
        name: 'fingerprint',
        value: `${local.fingerprint.hashFunction} ${local.fingerprint.value}`,
      },
      { name: 'setup', value: local.setup },
      ...kept,
      { name: 'rtcp-mux' },
      {
        name: 'candidate',
        value: `1 1 udp 2130706431 ${local.address} ${String(local.port)} typ host`,
      },
      { name: 'end-of-candidates' },
    ],
    // A candidate line names the address; c= must agree (RFC 8839 §4.2.1.1 default candidate).
    connection: { netType: 'IN', addrType, address: local.address },
  };
}

/** Session level towards a browser: ice-lite and one BUNDLE group of the active mids. */
export function toWebrtcSession(
  sdp: SessionDescription,
  mids: readonly string[],
): SessionDescription {
  const attributes: SdpAttribute[] = [
    { name: 'ice-lite' },
    ...(mids.length > 0 ? [{ name: 'group', value: `BUNDLE ${mids.join(' ')}` }] : []),
    ...strip(sdp.attributes),
  ];
  return { ...sdp, attributes };
}

/** Removes every WebRTC-only attribute, for a plain RTP/AVP or SDES leg. */
export function stripWebrtcMedia(m: SdpMedia): SdpMedia {
  return {
    ...m,
    attributes: m.attributes.filter(
      (a) => !WEBRTC_ONLY.has(a.name) || a.name === 'crypto' || a.name === 'rtcp',
    ),
  };
}

export function stripWebrtcSession(sdp: SessionDescription): SessionDescription {
  return { ...sdp, attributes: strip(sdp.attributes) };
}
