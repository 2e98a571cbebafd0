/**
 * Codecs named by an m= line: static payload types (RFC 3551 §6) and dynamic
 * ones mapped by a=rtpmap. Two codecs are the same when encoding name
 * (case-insensitive), clock rate and channel count match (RFC 3264 §6.1).
 */
import { fmtps, rtpMaps } from './sdp-attributes.ts';
import type { SdpMedia } from './sdp-types.ts';

export interface CodecSpec {
  readonly name: string;
  readonly clockRate: number;
  /** Default 1. */
  readonly channels?: number;
}

export interface Codec extends CodecSpec {
  readonly payloadType: number;
  readonly channels: number;
  readonly fmtp?: string;
}

/** The codecs Palisade negotiates by default (PRODUCT §B3), in preference order. */
export const DEFAULT_CODECS: readonly CodecSpec[] = [
  { name: 'opus', clockRate: 48000, channels: 2 },
  { name: 'G722', clockRate: 8000 },
  { name: 'PCMU', clockRate: 8000 },
  { name: 'PCMA', clockRate: 8000 },
  { name: 'telephone-event', clockRate: 8000 },
  { name: 'telephone-event', clockRate: 48000 },
];

/** RFC 3551 table 4: static audio payload types we may meet without an rtpmap. */
const STATIC_PAYLOAD_TYPES: ReadonlyMap<number, CodecSpec> = new Map([
  [0, { name: 'PCMU', clockRate: 8000 }],
  [3, { name: 'GSM', clockRate: 8000 }],
  [4, { name: 'G723', clockRate: 8000 }],
  [8, { name: 'PCMA', clockRate: 8000 }],
  // G.722's RTP clock rate is 8000 although it samples at 16 kHz (RFC 3551 §4.5.2).
  [9, { name: 'G722', clockRate: 8000 }],
  [13, { name: 'CN', clockRate: 8000 }],
  [18, { name: 'G729', clockRate: 8000 }],
]);

/** Names that carry no audio on their own: a stream with only these has no codec. */
const AUXILIARY = new Set(['telephone-event', 'cn', 'red', 'ulpfec', 'rtx']);

export function isAuxiliary(codec: CodecSpec): boolean {
  return AUXILIARY.has(codec.name.toLowerCase());
}

export function sameCodec(a: CodecSpec, b: CodecSpec): boolean {
  return (
    a.name.toLowerCase() === b.name.toLowerCase() &&
    a.clockRate === b.clockRate &&
    (a.channels ?? 1) === (b.channels ?? 1)
  );
}

/** The codecs of one m= line in its format order; unknown dynamic types are skipped. */
export function mediaCodecs(media: SdpMedia): Codec[] {
  const maps = new Map(rtpMaps(media).map((r) => [r.payloadType, r]));
  const params = new Map(fmtps(media).map((f) => [f.payloadType, f.parameters]));
  const out: Codec[] = [];
  for (const format of media.formats) {
    const pt = Number(format);
    const map = maps.get(pt);
    const spec: CodecSpec | undefined = map
      ? { name: map.encoding, clockRate: map.clockRate, channels: map.channels ?? 1 }
      : STATIC_PAYLOAD_TYPES.get(pt);
    if (!spec) continue;
    const fmtp = params.get(pt);
    out.push({
      payloadType: pt,
      name: spec.name,
      clockRate: spec.clockRate,
      channels: spec.channels ?? 1,
      ...(fmtp !== undefined ? { fmtp } : {}),
    });
  }
  return out;
}

/**
 * The offered codecs we also support, in the offerer's order and with the
 * offerer's payload types (RFC 3264 §6.1: the answer reuses them).
 * Auxiliary codecs (telephone-event, CN) are kept only beside a real codec
 * with the same clock rate.
 */
export function intersectCodecs(
  offered: readonly Codec[],
  supported: readonly CodecSpec[],
): Codec[] {
  const common = offered.filter((c) => supported.some((s) => sameCodec(c, s)));
  const rates = new Set(common.filter((c) => !isAuxiliary(c)).map((c) => c.clockRate));
  return common.filter((c) => !isAuxiliary(c) || rates.has(c.clockRate));
}

/**
 * Payload type mapping from one side's numbering to the other's, by codec
 * identity: used when an answer numbers a dynamic codec differently from the
 * offer. Codecs present on one side only are left out.
 */
export function mapPayloadTypes(from: readonly Codec[], to: readonly Codec[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const f of from) {
    const t = to.find((c) => sameCodec(c, f));
    if (t) out.set(f.payloadType, t.payloadType);
  }
  return out;
}
