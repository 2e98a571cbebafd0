/**
 * The SDP model (RFC 8866): plain immutable data. Lines we do not interpret
 * (r=, z=, k=, unknown attributes) are kept raw so a parse/serialize round
 * trip loses nothing. Typed readers for attributes live in sdp-attributes.ts.
 */
export type AddressType = 'IP4' | 'IP6';

export interface SdpOrigin {
  readonly username: string;
  readonly sessionId: string;
  readonly sessionVersion: string;
  readonly netType: string;
  readonly addrType: AddressType;
  readonly address: string;
}

export interface SdpConnection {
  readonly netType: string;
  readonly addrType: AddressType;
  /** The connection address, without any /ttl or /count suffix (kept in `suffix`). */
  readonly address: string;
  readonly suffix?: string;
}

/** `a=name` (a flag) or `a=name:value`. */
export interface SdpAttribute {
  readonly name: string;
  readonly value?: string;
}

/** A line kept verbatim, e.g. `{ type: 'b', value: 'AS:64' }`. */
export interface SdpRawLine {
  readonly type: string;
  readonly value: string;
}

export interface SdpMedia {
  /** audio, video, text, application, message, or anything else (kept). */
  readonly type: string;
  readonly port: number;
  readonly portCount?: number;
  /** e.g. RTP/AVP, RTP/SAVP, RTP/SAVPF, UDP/TLS/RTP/SAVPF. */
  readonly proto: string;
  /** Payload type numbers for RTP protos, opaque tokens otherwise. */
  readonly formats: readonly string[];
  readonly info?: string;
  readonly connection?: SdpConnection;
  /** b=, k= and other lines between m= and the first a=, verbatim and in order. */
  readonly lines: readonly SdpRawLine[];
  readonly attributes: readonly SdpAttribute[];
}

export interface SessionDescription {
  readonly version: number;
  readonly origin: SdpOrigin;
  readonly sessionName: string;
  readonly connection?: SdpConnection;
  /** i=, u=, e=, p=, b=, t=, r=, z=, k= verbatim and in order. */
  readonly lines: readonly SdpRawLine[];
  readonly attributes: readonly SdpAttribute[];
  readonly media: readonly SdpMedia[];
}
