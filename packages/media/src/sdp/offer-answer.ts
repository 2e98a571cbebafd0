/**
 * Offer/answer helpers (RFC 3264) for a relaying B2BUA: restrict codecs,
 * build an answer for media that ends here, rewrite addresses to the relay,
 * detect hold.
 */
import { formatCrypto, mediaDirection } from './sdp-attributes.ts';
import type { CryptoAttribute, MediaDirection } from './sdp-attributes.ts';
import { NoCommonCodecError } from './sdp-error.ts';
import { intersectCodecs, isAuxiliary, mediaCodecs } from './codecs.ts';
import type { Codec, CodecSpec } from './codecs.ts';
import type { AddressType, SdpAttribute, SdpMedia, SessionDescription } from './sdp-types.ts';

const isRtp = (m: SdpMedia): boolean => m.proto.includes('RTP/');

/** Keeps only `codecs` on an m= line, dropping rtpmap/fmtp lines of the others. */
export function restrictMediaCodecs(media: SdpMedia, codecs: readonly Codec[]): SdpMedia {
  const keep = new Set(codecs.map((c) => String(c.payloadType)));
  const attributes = media.attributes.filter((a) => {
    if (a.name !== 'rtpmap' && a.name !== 'fmtp' && a.name !== 'rtcp-fb') return true;
    const pt = (a.value ?? '').split(' ', 1)[0] ?? '';
    return pt === '*' || keep.has(pt);
  });
  return { ...media, formats: media.formats.filter((f) => keep.has(f)), attributes };
}

/**
 * Restricts every RTP stream of an offer to the codecs we accept. A stream
 * left without a real codec is rejected (port 0, RFC 3264 §6); when every
 * stream is rejected the offer fails with NoCommonCodecError (answer 488).
 */
export function restrictOffer(
  sdp: SessionDescription,
  supported: readonly CodecSpec[],
): SessionDescription {
  let accepted = 0;
  const media = sdp.media.map((m) => {
    if (!isRtp(m) || m.port === 0) return m;
    const common = intersectCodecs(mediaCodecs(m), supported);
    if (!common.some((c) => !isAuxiliary(c))) return rejectMedia(m);
    accepted++;
    return restrictMediaCodecs(m, common);
  });
  if (accepted === 0) throw new NoCommonCodecError(sdp.media.findIndex(isRtp));
  return { ...sdp, media };
}

/** RFC 3264 §6: a rejected stream keeps its m= line with port 0 and one format. */
export function rejectMedia(m: SdpMedia): SdpMedia {
  return {
    type: m.type,
    port: 0,
    proto: m.proto,
    formats: m.formats.slice(0, 1),
    lines: [],
    attributes: [],
  };
}

/** The direction an answerer replies with (RFC 3264 §6.1). */
export function answerDirection(
  offered: MediaDirection,
  local: MediaDirection = 'sendrecv',
): MediaDirection {
  const send =
    (offered === 'sendrecv' || offered === 'recvonly') &&
    (local === 'sendrecv' || local === 'sendonly');
  const recv =
    (offered === 'sendrecv' || offered === 'sendonly') &&
    (local === 'sendrecv' || local === 'recvonly');
  return send && recv ? 'sendrecv' : send ? 'sendonly' : recv ? 'recvonly' : 'inactive';
}

/** True when the stream asks the other side not to send: hold (RFC 3264 §8.4, RFC 6337 §5.3). */
export function isMediaOnHold(sdp: SessionDescription, media: SdpMedia): boolean {
  const address = (media.connection ?? sdp.connection)?.address;
  if (address === '0.0.0.0' || address === '::') return true;
  const dir = mediaDirection(sdp, media);
  return dir === 'sendonly' || dir === 'inactive';
}

/** A description puts the call on hold when each active RTP stream is held. */
export function isHold(sdp: SessionDescription): boolean {
  const active = sdp.media.filter((m) => isRtp(m) && m.port !== 0);
  return active.length > 0 && active.every((m) => isMediaOnHold(sdp, m));
}

export interface RelayMediaRewrite {
  readonly port: number;
  /** RTCP port to announce with a=rtcp; omitted with rtcp-mux or when it is port + 1. */
  readonly rtcpPort?: number;
  readonly rtcpMux?: boolean;
  /** Replace the transport profile (e.g. RTP/SAVP → RTP/AVP when the relay decrypts). */
  readonly proto?: string;
  /** Replace all a=crypto lines with these; undefined keeps them as they are. */
  readonly crypto?: readonly CryptoAttribute[];
}

export interface RelayRewrite {
  readonly address: string;
  readonly addrType?: AddressType;
  /** One entry per m= line; undefined leaves that stream untouched. */
  readonly media: readonly (RelayMediaRewrite | undefined)[];
}

/** Attributes that describe the far end's transport and mean nothing once we relay. */
const TRANSPORT_ATTRIBUTES = new Set([
  'candidate',
  'end-of-candidates',
  'ice-ufrag',
  'ice-pwd',
  'ice-options',
  'ice-lite',
  'remote-candidates',
  'rtcp',
  'rtcp-mux',
  'crypto',
]);

/**
 * Points a description at the relay: session c= and o= get the relay address
 * (topology hiding), each rewritten m= line its relay port, and the far end's
 * ICE candidates and a=rtcp are replaced by ours. Held streams keep their
 * direction; a 0.0.0.0 connection stays 0.0.0.0 so hold still reads as hold.
 */
export function rewriteForRelay(
  sdp: SessionDescription,
  rewrite: RelayRewrite,
): SessionDescription {
  const addrType = rewrite.addrType ?? (rewrite.address.includes(':') ? 'IP6' : 'IP4');
  const conn = (old: SdpMedia['connection']): SdpMedia['connection'] =>
    old && (old.address === '0.0.0.0' || old.address === '::')
      ? old
      : { netType: 'IN', addrType, address: rewrite.address };
  const media = sdp.media.map((m, i): SdpMedia => {
    const r = rewrite.media[i];
    if (!r || m.port === 0) return m;
    const kept = m.attributes.filter(
      (a) => !TRANSPORT_ATTRIBUTES.has(a.name) || (a.name === 'crypto' && r.crypto === undefined),
    );
    const added: SdpAttribute[] = [];
    if (r.rtcpMux) added.push({ name: 'rtcp-mux' });
    else if (r.rtcpPort !== undefined && r.rtcpPort !== r.port + 1)
      added.push({ name: 'rtcp', value: `${r.rtcpPort} IN ${addrType} ${rewrite.address}` });
    for (const c of r.crypto ?? []) added.push({ name: 'crypto', value: formatCrypto(c) });
    const { connection, ...rest } = m;
    return {
      ...rest,
      port: r.port,
      proto: r.proto ?? m.proto,
      ...(connection || !sdp.connection ? { connection: conn(connection ?? sdp.connection) } : {}),
      attributes: [...kept, ...added],
    };
  });
  return {
    ...sdp,
    origin: { ...sdp.origin, addrType, address: rewrite.address },
    ...(sdp.connection ? { connection: conn(sdp.connection) } : {}),
    media,
  };
}

/** Bumps o= session version, as every new offer or answer in a session must (RFC 3264 §8). */
export function bumpVersion(sdp: SessionDescription): SessionDescription {
  const next = (BigInt(sdp.origin.sessionVersion) + 1n).toString();
  return { ...sdp, origin: { ...sdp.origin, sessionVersion: next } };
}

export function isRtpMedia(m: SdpMedia): boolean {
  return isRtp(m);
}
