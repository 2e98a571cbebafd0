/**
 * Typed readers for the attributes the media engine acts on. Each returns
 * undefined (or an empty list) when the attribute is absent and throws
 * SdpParseError('bad_attribute') when it is present but malformed.
 */
import { SdpParseError } from './sdp-error.ts';
import type { SdpAttribute, SdpMedia, SessionDescription } from './sdp-types.ts';

export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
const DIRECTIONS: readonly string[] = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];

export interface RtpMap {
  readonly payloadType: number;
  readonly encoding: string;
  readonly clockRate: number;
  readonly channels?: number;
}

export interface Fmtp {
  readonly payloadType: number;
  readonly parameters: string;
}

export interface RtcpAttribute {
  readonly port: number;
  readonly address?: string;
}

/** RFC 4568 §9.1: a=crypto:<tag> <crypto-suite> <key-params> [<session-params>]. */
export interface CryptoAttribute {
  readonly tag: number;
  readonly suite: string;
  readonly keyParams: readonly SdesKeyParam[];
  readonly sessionParams: readonly string[];
}

export interface SdesKeyParam {
  /** base64 of master key || master salt; a secret: never log it. */
  readonly keySalt: string;
  readonly lifetime?: string;
  readonly mki?: { readonly value: string; readonly length: number };
}

export interface Fingerprint {
  readonly hashFunction: string;
  readonly value: string;
}

export type SetupRole = 'active' | 'passive' | 'actpass' | 'holdconn';

export interface IceCandidate {
  readonly foundation: string;
  readonly component: number;
  readonly transport: string;
  readonly priority: number;
  readonly address: string;
  readonly port: number;
  readonly type: string;
  readonly relatedAddress?: string;
  readonly relatedPort?: number;
  readonly extensions: readonly string[];
}

export interface SdpGroup {
  readonly semantics: string;
  readonly ids: readonly string[];
}

function bad(message: string): never {
  throw new SdpParseError('bad_attribute', message);
}

function values(attrs: readonly SdpAttribute[], name: string): string[] {
  const out: string[] = [];
  for (const a of attrs) if (a.name === name) out.push(a.value ?? '');
  return out;
}

function first(attrs: readonly SdpAttribute[], name: string): string | undefined {
  return attrs.find((a) => a.name === name)?.value;
}

function int(value: string | undefined, max: number, what: string): number {
  if (value === undefined || !/^\d{1,10}$/.test(value) || Number(value) > max)
    bad(`${what} is not valid`);
  return Number(value);
}

export function rtpMaps(media: SdpMedia): RtpMap[] {
  return values(media.attributes, 'rtpmap').map((v) => {
    const m = /^(\d{1,3}) ([^/\s]+)\/(\d{1,7})(?:\/(\d{1,2}))?$/.exec(v);
    if (!m) bad('rtpmap is not valid');
    const payloadType = int(m[1], 127, 'rtpmap payload type');
    return {
      payloadType,
      encoding: m[2] as string,
      clockRate: Number(m[3]),
      ...(m[4] !== undefined ? { channels: Number(m[4]) } : {}),
    };
  });
}

export function fmtps(media: SdpMedia): Fmtp[] {
  return values(media.attributes, 'fmtp').map((v) => {
    const m = /^(\d{1,3}) (.*)$/.exec(v);
    if (!m) bad('fmtp is not valid');
    return { payloadType: int(m[1], 127, 'fmtp payload type'), parameters: m[2] as string };
  });
}

/** RFC 3605 a=rtcp:<port> [IN IP4 <address>]. */
export function rtcpAttribute(media: SdpMedia): RtcpAttribute | undefined {
  const v = first(media.attributes, 'rtcp');
  if (v === undefined) return undefined;
  const m = /^(\d{1,5})(?: IN IP[46] (\S+))?$/.exec(v);
  if (!m) bad('rtcp is not valid');
  const port = int(m[1], 65535, 'rtcp port');
  return m[2] === undefined ? { port } : { port, address: m[2] };
}

export function hasAttribute(attrs: readonly SdpAttribute[], name: string): boolean {
  return attrs.some((a) => a.name === name);
}

export function rtcpMux(media: SdpMedia): boolean {
  return hasAttribute(media.attributes, 'rtcp-mux');
}

/** RFC 3264 §5.1: the media-level direction wins over the session level; default sendrecv. */
export function mediaDirection(sdp: SessionDescription, media: SdpMedia): MediaDirection {
  const own = media.attributes.find((a) => DIRECTIONS.includes(a.name));
  if (own) return own.name as MediaDirection;
  const session = sdp.attributes.find((a) => DIRECTIONS.includes(a.name));
  return session ? (session.name as MediaDirection) : 'sendrecv';
}

export function cryptoAttributes(media: SdpMedia): CryptoAttribute[] {
  return values(media.attributes, 'crypto').map(parseCrypto);
}

export function parseCrypto(value: string): CryptoAttribute {
  const parts = value.split(' ').filter((p) => p !== '');
  if (parts.length < 3) bad('crypto needs tag, suite and key parameters');
  const [tagRaw, suite, keyRaw, ...sessionParams] = parts as [string, string, string, ...string[]];
  const tag = int(tagRaw, 999_999_999, 'crypto tag');
  if (!/^[A-Za-z0-9_]{1,64}$/.test(suite)) bad('crypto suite is not valid');
  const keyParams = keyRaw.split(';').map((kp): SdesKeyParam => {
    // inline:<key||salt base64>[|<lifetime>][|<MKI>:<length>]
    const m = /^inline:([A-Za-z0-9+/=]{1,200})((?:\|[^|]{1,64}){0,2})$/.exec(kp);
    if (!m) bad('crypto key parameter is not valid');
    let lifetime: string | undefined;
    let mki: SdesKeyParam['mki'];
    for (const field of (m[2] as string).split('|').slice(1)) {
      const mk = /^(\d{1,10}):(\d{1,3})$/.exec(field);
      if (mk) mki = { value: mk[1] as string, length: Number(mk[2]) };
      else if (/^(2\^)?\d{1,20}$/.test(field) && mki === undefined && lifetime === undefined)
        lifetime = field;
      else bad('crypto lifetime or MKI is not valid');
    }
    return {
      keySalt: m[1] as string,
      ...(lifetime !== undefined ? { lifetime } : {}),
      ...(mki !== undefined ? { mki } : {}),
    };
  });
  return { tag, suite, keyParams, sessionParams };
}

export function formatCrypto(c: CryptoAttribute): string {
  const keys = c.keyParams
    .map((k) => {
      let s = `inline:${k.keySalt}`;
      if (k.lifetime !== undefined) s += `|${k.lifetime}`;
      if (k.mki !== undefined) s += `|${k.mki.value}:${k.mki.length}`;
      return s;
    })
    .join(';');
  return [String(c.tag), c.suite, keys, ...c.sessionParams].join(' ');
}

/** RFC 8122 a=fingerprint; media level wins over session level. */
export function fingerprint(sdp: SessionDescription, media: SdpMedia): Fingerprint | undefined {
  const v = first(media.attributes, 'fingerprint') ?? first(sdp.attributes, 'fingerprint');
  if (v === undefined) return undefined;
  const m = /^([A-Za-z0-9-]{1,16}) ((?:[0-9A-Fa-f]{2}:){15,63}[0-9A-Fa-f]{2})$/.exec(v);
  if (!m) bad('fingerprint is not valid');
  return { hashFunction: (m[1] as string).toLowerCase(), value: (m[2] as string).toUpperCase() };
}

/** RFC 4145 a=setup. */
export function setupRole(sdp: SessionDescription, media: SdpMedia): SetupRole | undefined {
  const v = first(media.attributes, 'setup') ?? first(sdp.attributes, 'setup');
  if (v === undefined) return undefined;
  if (v === 'active' || v === 'passive' || v === 'actpass' || v === 'holdconn') return v;
  return bad('setup is not valid');
}

/** RFC 8839 ICE credentials; media level wins over session level. */
export function iceCredentials(
  sdp: SessionDescription,
  media: SdpMedia,
): { readonly ufrag: string; readonly pwd: string } | undefined {
  const ufrag = first(media.attributes, 'ice-ufrag') ?? first(sdp.attributes, 'ice-ufrag');
  const pwd = first(media.attributes, 'ice-pwd') ?? first(sdp.attributes, 'ice-pwd');
  if (ufrag === undefined && pwd === undefined) return undefined;
  if (ufrag === undefined || pwd === undefined) bad('ice-ufrag and ice-pwd come together');
  const ice = /^[A-Za-z0-9+/]+$/;
  if (!ice.test(ufrag) || ufrag.length < 4 || ufrag.length > 256) bad('ice-ufrag is not valid');
  if (!ice.test(pwd) || pwd.length < 22 || pwd.length > 256) bad('ice-pwd is not valid');
  return { ufrag, pwd };
}

export function iceCandidates(media: SdpMedia): IceCandidate[] {
  return values(media.attributes, 'candidate').map((v) => {
    const p = v.split(' ');
    if (p.length < 8 || p[6] !== 'typ') bad('candidate is not valid');
    const [foundation, comp, transport, prio, address, port, , type, ...rest] = p as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      ...string[],
    ];
    let relatedAddress: string | undefined;
    let relatedPort: number | undefined;
    const extensions: string[] = [];
    for (let i = 0; i < rest.length; i += 2) {
      const k = rest[i] as string;
      const val = rest[i + 1];
      if (val === undefined) bad('candidate extension has no value');
      if (k === 'raddr') relatedAddress = val;
      else if (k === 'rport') relatedPort = int(val, 65535, 'candidate rport');
      else extensions.push(k, val);
    }
    return {
      foundation,
      component: int(comp, 256, 'candidate component'),
      transport: transport.toUpperCase(),
      priority: int(prio, 2 ** 32 - 1, 'candidate priority'),
      address,
      port: int(port, 65535, 'candidate port'),
      type,
      ...(relatedAddress !== undefined ? { relatedAddress } : {}),
      ...(relatedPort !== undefined ? { relatedPort } : {}),
      extensions,
    };
  });
}

export function mediaId(media: SdpMedia): string | undefined {
  return first(media.attributes, 'mid');
}

/** RFC 5888 a=group (e.g. BUNDLE, RFC 9143). */
export function groups(sdp: SessionDescription): SdpGroup[] {
  return values(sdp.attributes, 'group').map((v) => {
    const [semantics, ...ids] = v.split(' ');
    if (!semantics) bad('group is not valid');
    return { semantics, ids };
  });
}

export function ptime(media: SdpMedia): number | undefined {
  const v = first(media.attributes, 'ptime');
  if (v === undefined) return undefined;
  if (!/^\d{1,4}(\.\d{1,3})?$/.test(v)) bad('ptime is not valid');
  return Number(v);
}
