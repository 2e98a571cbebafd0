export type * from './sdp-types.ts';
export { SdpParseError, NoCommonCodecError } from './sdp-error.ts';
export type { SdpErrorReason } from './sdp-error.ts';
export { parseSdp, DEFAULT_SDP_LIMITS } from './sdp-parser.ts';
export type { SdpLimits } from './sdp-parser.ts';
export { serializeSdp } from './sdp-serializer.ts';
export * from './sdp-attributes.ts';
export * from './codecs.ts';
export * from './offer-answer.ts';
