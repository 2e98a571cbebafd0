/**
 * Which RTP profile each phone of a call speaks (PRODUCT §B1: WebRTC legs
 * bridged to SIP phones). The media engine answers every offerer in its
 * own profile; what call control chooses is the profile *offered* to the
 * other side:
 *
 *   - a callee reached over WS/WSS (RFC 7118) is a browser: UDP/TLS/RTP/SAVPF
 *     (ICE-lite and DTLS-SRTP by the engine);
 *   - any other callee is a SIP phone: RTP/SAVP (SDES) when the tenant's
 *     `calls.phoneSrtp` says `always`, or when it says `as-caller` (the
 *     default) and the caller's own offer was SDES-SRTP; plain RTP/AVP
 *     otherwise (a browser's DTLS-SRTP ends at the relay).
 */
import { DEFAULT_CODECS, parseSdp, sdpTransport } from '@palisade/media';
import type { CodecSpec, MediaTransport, OfferOptions } from '@palisade/media';
import type { Destination } from '@palisade/sip';

export type PhoneSrtp = 'as-caller' | 'always';

export const WEBRTC_TRANSPORT: MediaTransport = 'UDP/TLS/RTP/SAVPF';

/** A phone reached over a WebSocket flow is a WebRTC endpoint (what SIP over WS carries in practice). */
export const isWebsocket = (destination: Destination): boolean =>
  destination.transport === 'WS' || destination.transport === 'WSS';

/** The profile of an offer: that of its first active RTP m= line (unparseable: plain RTP, the engine refuses it later). */
export function offeredTransport(sdp: string): MediaTransport {
  try {
    return sdpTransport(parseSdp(sdp)) ?? 'RTP/AVP';
  } catch {
    return 'RTP/AVP';
  }
}

/** The profile to offer a callee reached at `destination`, given the caller's profile. */
export function calleeTransport(
  destination: Destination,
  caller: MediaTransport,
  policy: PhoneSrtp,
): MediaTransport {
  if (isWebsocket(destination)) return WEBRTC_TRANSPORT;
  if (policy === 'always' || caller === 'RTP/SAVP') return 'RTP/SAVP';
  return 'RTP/AVP';
}

/** What the engine needs with an offer from the phone at `source`; `transport`: the profile to offer the other side. */
export function offerOptions(
  codecs: readonly CodecSpec[] | undefined,
  source: Destination,
  transport?: MediaTransport,
): OfferOptions {
  return {
    codecs: codecs ?? DEFAULT_CODECS,
    signallingAddress: source.host,
    ...(transport ? { transport } : {}),
  };
}
