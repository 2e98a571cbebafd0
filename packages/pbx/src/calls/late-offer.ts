/**
 * Offers Palisade makes itself, for a phone that sent none (RFC 3261
 * §13.2.1, RFC 3264 §4, RFC 6337 §2.1): an INVITE without SDP (late
 * offer), and a re-INVITE without SDP in a call.
 *
 * The media engine turns an offer of one leg into SDP for the other, so a
 * late-offering caller gets a stand-in offer as leg `a` (`standInOffer`: the
 * configured codecs, RTP/AVP, its signalling address on the discard port 9)
 * whose rewritten form goes to the callee. The engine's answer to the
 * callee's answer is then *our offer* to the caller (in the 2xx, or in the
 * first reliable 18x). The caller's answer (ACK or PRACK) is checked
 * (`acceptableAnswer`) and put into the engine as leg a's SDP by `adoptAnswer`:
 * a fresh offer from that leg whose output, when it still says what the
 * other phone already has (address, port, profile, keys), is closed with
 * that phone's last answer without a word to it; otherwise the other phone
 * is re-offered (re-INVITE) and its answer closes it.
 */
import {
  cryptoAttributes,
  formatCrypto,
  intersectCodecs,
  isAuxiliary,
  mediaCodecs,
  parseSdp,
} from '@palisade/media';
import type {
  CodecSpec,
  LegId,
  MediaSession,
  OfferOptions,
  SdpMedia,
  SessionDescription,
} from '@palisade/media';

/** RFC 3551 static payload types; every other codec gets a dynamic one from 96. */
const STATIC_TYPES: Readonly<Record<string, number>> = {
  'pcmu/8000': 0,
  'pcma/8000': 8,
  'g722/8000': 9,
};

/** The stand-in offer of a caller that sent none: `codecs` over RTP/AVP, at `host` port 9. */
export function standInOffer(codecs: readonly CodecSpec[], host: string): string {
  const ip = host.includes(':') ? 'IP6' : 'IP4';
  let dynamic = 96;
  const formats: number[] = [];
  const attributes: string[] = [];
  for (const c of codecs) {
    const key = `${c.name.toLowerCase()}/${c.clockRate}`;
    const pt = STATIC_TYPES[key] ?? dynamic++;
    formats.push(pt);
    const channels = (c.channels ?? 1) > 1 ? `/${c.channels}` : '';
    attributes.push(`a=rtpmap:${pt} ${c.name}/${c.clockRate}${channels}`);
    if (c.name.toLowerCase() === 'telephone-event') attributes.push(`a=fmtp:${pt} 0-16`);
  }
  return [
    'v=0',
    `o=- ${Date.now()} 1 IN ${ip} ${host}`,
    's=-',
    `c=IN ${ip} ${host}`,
    't=0 0',
    `m=audio 9 RTP/AVP ${formats.join(' ')}`,
    ...attributes,
    'a=sendrecv',
    '',
  ].join('\r\n');
}

function parsed(sdp: string): SessionDescription | undefined {
  try {
    return parseSdp(sdp);
  } catch {
    return undefined;
  }
}

/**
 * Is `answer` an answer we can use to `offer` (RFC 3264 §6): the same
 * number of m= lines, and at least one accepted stream with an audio codec
 * we offered on it.
 */
export function acceptableAnswer(offer: string, answer: string): boolean {
  const o = parsed(offer);
  const a = parsed(answer);
  if (!o || !a || o.media.length !== a.media.length) return false;
  return a.media.some((m, i) => {
    const offered = o.media[i] as SdpMedia;
    if (m.port === 0 || offered.port === 0) return false;
    return intersectCodecs(mediaCodecs(m), mediaCodecs(offered)).some((c) => !isAuxiliary(c));
  });
}

/** Where media goes and how it is keyed, per stream: what a phone must be told again when it changes. */
function transportOf(sdp: SessionDescription): string[] {
  return sdp.media.map((m) =>
    [
      (m.connection ?? sdp.connection)?.address ?? '',
      m.port,
      m.proto,
      ...cryptoAttributes(m).map(formatCrypto),
    ].join(' '),
  );
}

/** Do two SDPs send the phone's media to the same place with the same keys (codecs aside)? */
export function sameMediaTransport(x: string, y: string): boolean {
  const a = parsed(x);
  const b = parsed(y);
  return !!a && !!b && transportOf(a).join('\n') === transportOf(b).join('\n');
}

/**
 * `sdp` under the origin (o= session id) of `previous`, the leg's earlier
 * SDP, with the next version: to the engine (and to the other phone, if it
 * is re-offered) the answer is then a new version of the same session
 * (RFC 3264 §8), which keeps its relay ports (rtpengine allocates anew for
 * a session it has not seen).
 */
export function sameOrigin(sdp: string, previous: string): string {
  const was = /^o=(\S+) (\S+) (\d+) (.*)$/m.exec(previous);
  if (!was) return sdp;
  const version = (BigInt(was[3] as string) + 1n).toString();
  return sdp.replace(/^o=.*$/m, `o=${was[1]} ${was[2]} ${version} ${was[4]}`);
}

export interface OtherPhone {
  readonly leg: LegId;
  /** What that phone was last offered and what it answered. */
  readonly offered: string;
  readonly answered: string;
  readonly signallingAddress: string;
  /** Offers it `sdp` anew (re-INVITE) and resolves with its answer; absent where that cannot be done. */
  readonly reoffer?: (sdp: string) => Promise<string | undefined>;
}

/**
 * Puts a phone's answer (to an offer we made it) into the engine as that
 * leg's SDP; resolves with what the other phone was offered last.
 * Throws (a PalisadeError from the engine) when the engine refuses it.
 */
export async function adoptAnswer(
  session: MediaSession,
  from: LegId,
  answer: string,
  /** The SDP that leg gave the engine before (its origin is kept). */
  previous: string,
  options: OfferOptions,
  other: OtherPhone,
): Promise<string> {
  const out = await session.offer(from, sameOrigin(answer, previous), options);
  if (sameMediaTransport(out, other.offered) || !other.reoffer) {
    await session.answer(other.leg, other.answered, {
      signallingAddress: other.signallingAddress,
    });
    return other.offered;
  }
  const theirs = await other.reoffer(out);
  if (theirs === undefined) throw new Error('the other phone refused the new offer');
  await session.answer(other.leg, theirs, { signallingAddress: other.signallingAddress });
  return out;
}
