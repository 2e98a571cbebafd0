/**
 * SDP parser (RFC 8866 §5). Strict where a mistake would misroute media
 * (v=, o=, c=, m=), lenient about line order and line endings (CRLF or LF),
 * and bounded in size so a hostile body costs little.
 */
import { SdpParseError } from './sdp-error.ts';
import type {
  AddressType,
  SdpAttribute,
  SdpConnection,
  SdpOrigin,
  SdpRawLine,
  SessionDescription,
} from './sdp-types.ts';

export interface SdpLimits {
  readonly maxBytes: number;
  readonly maxLines: number;
  readonly maxLineLength: number;
  readonly maxMedia: number;
}

export const DEFAULT_SDP_LIMITS: SdpLimits = {
  maxBytes: 32 * 1024,
  maxLines: 1000,
  maxLineLength: 4096,
  maxMedia: 16,
};

const TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/;
const PORT_MAX = 65535;

interface MutableMedia {
  type: string;
  port: number;
  portCount?: number;
  proto: string;
  formats: string[];
  info?: string;
  connection?: SdpConnection;
  lines: SdpRawLine[];
  attributes: SdpAttribute[];
}

export function parseSdp(
  input: string | Uint8Array,
  limits: SdpLimits = DEFAULT_SDP_LIMITS,
): SessionDescription {
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
  if (size > limits.maxBytes)
    throw new SdpParseError('too_large', `body exceeds ${limits.maxBytes} bytes`);
  const text = typeof input === 'string' ? input : Buffer.from(input).toString('utf8');
  const rawLines = text.split(/\r?\n/);
  // A trailing line ending leaves one empty element; blank lines elsewhere are refused.
  if (rawLines.at(-1) === '') rawLines.pop();
  if (rawLines.length > limits.maxLines)
    throw new SdpParseError('too_many_lines', `more than ${limits.maxLines} lines`);

  let version: number | undefined;
  let origin: SdpOrigin | undefined;
  let sessionName: string | undefined;
  let connection: SdpConnection | undefined;
  const lines: SdpRawLine[] = [];
  const attributes: SdpAttribute[] = [];
  const media: MutableMedia[] = [];

  rawLines.forEach((raw, i) => {
    const n = i + 1;
    if (raw.length > limits.maxLineLength)
      throw new SdpParseError('line_too_long', `line longer than ${limits.maxLineLength}`, n);
    if (raw.length < 2 || raw[1] !== '=' || !/^[a-z]$/.test(raw[0] ?? ''))
      throw new SdpParseError('bad_line', 'expected <letter>=<value>', n);
    const type = raw[0] as string;
    const value = raw.slice(2);
    if (i === 0 && type !== 'v') throw new SdpParseError('missing_line', 'v= must come first', n);
    const current = media.at(-1);
    switch (type) {
      case 'v':
        if (i !== 0 || value !== '0')
          throw new SdpParseError('bad_version', 'only v=0 is supported', n);
        version = 0;
        return;
      case 'o':
        if (current || origin) throw new SdpParseError('bad_origin', 'misplaced o=', n);
        origin = parseOrigin(value, n);
        return;
      case 's':
        if (current || sessionName !== undefined)
          throw new SdpParseError('bad_line', 'misplaced s=', n);
        sessionName = value;
        return;
      case 'c': {
        const c = parseConnection(value, n);
        if (current) {
          if (current.connection)
            throw new SdpParseError('bad_connection', 'second c= in one media section', n);
          current.connection = c;
        } else {
          if (connection) throw new SdpParseError('bad_connection', 'second session c=', n);
          connection = c;
        }
        return;
      }
      case 'm':
        if (media.length >= limits.maxMedia)
          throw new SdpParseError('too_many_media', `more than ${limits.maxMedia} m= lines`, n);
        media.push(parseMediaLine(value, n));
        return;
      case 'a':
        (current ? current.attributes : attributes).push(parseAttribute(value, n));
        return;
      case 'i':
        if (current) {
          current.info = value;
          return;
        }
        lines.push({ type, value });
        return;
      default:
        (current ? current.lines : lines).push({ type, value });
    }
  });

  if (version === undefined) throw new SdpParseError('missing_line', 'missing v=');
  if (!origin) throw new SdpParseError('missing_line', 'missing o=');
  if (sessionName === undefined) throw new SdpParseError('missing_line', 'missing s=');
  if (!lines.some((l) => l.type === 't')) throw new SdpParseError('missing_line', 'missing t=');
  // RFC 8866 §5.7: every media section needs a connection, its own or the session's.
  media.forEach((m, idx) => {
    if (!m.connection && !connection)
      throw new SdpParseError('bad_connection', `media ${idx} has no c= line`);
  });

  return {
    version,
    origin,
    sessionName,
    ...(connection ? { connection } : {}),
    lines,
    attributes,
    media,
  };
}

function parseAddrType(
  value: string | undefined,
  n: number,
  reason: 'bad_origin' | 'bad_connection',
): AddressType {
  if (value === 'IP4' || value === 'IP6') return value;
  throw new SdpParseError(reason, 'address type must be IP4 or IP6', n);
}

function parseOrigin(value: string, n: number): SdpOrigin {
  const parts = value.split(' ');
  if (parts.length !== 6 || parts.some((p) => p === ''))
    throw new SdpParseError('bad_origin', 'o= needs six fields', n);
  const [username, sessionId, sessionVersion, netType, addrType, address] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (!/^\d{1,20}$/.test(sessionId) || !/^\d{1,20}$/.test(sessionVersion))
    throw new SdpParseError('bad_origin', 'o= session id and version must be numbers', n);
  return {
    username,
    sessionId,
    sessionVersion,
    netType,
    addrType: parseAddrType(addrType, n, 'bad_origin'),
    address,
  };
}

const IP4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IP6 = /^[0-9A-Fa-f:.]{2,45}$/;
const HOSTNAME = /^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\.?$/;

function parseConnection(value: string, n: number): SdpConnection {
  const parts = value.split(' ');
  if (parts.length !== 3) throw new SdpParseError('bad_connection', 'c= needs three fields', n);
  const [netType, addrTypeRaw, addrRaw] = parts as [string, string, string];
  if (netType !== 'IN') throw new SdpParseError('bad_connection', 'c= network type must be IN', n);
  const addrType = parseAddrType(addrTypeRaw, n, 'bad_connection');
  const slash = addrRaw.indexOf('/');
  const address = slash < 0 ? addrRaw : addrRaw.slice(0, slash);
  const suffix = slash < 0 ? undefined : addrRaw.slice(slash);
  const valid =
    addrType === 'IP4'
      ? IP4.test(address) || (HOSTNAME.test(address) && !/^[\d.]+$/.test(address))
      : IP6.test(address) && address.includes(':');
  if (!valid) throw new SdpParseError('bad_connection', 'c= address is not valid', n);
  if (suffix !== undefined && !/^(\/\d{1,3}){1,2}$/.test(suffix))
    throw new SdpParseError('bad_connection', 'c= address suffix is not valid', n);
  return { netType, addrType, address, ...(suffix !== undefined ? { suffix } : {}) };
}

function parseMediaLine(value: string, n: number): MutableMedia {
  const parts = value.split(' ');
  if (parts.length < 4 || parts.some((p) => p === ''))
    throw new SdpParseError('bad_media', 'm= needs media, port, proto and formats', n);
  const [type, portField, proto, ...formats] = parts as [string, string, string, ...string[]];
  if (!TOKEN.test(type)) throw new SdpParseError('bad_media', 'm= media type is not a token', n);
  const m = /^(\d{1,5})(?:\/(\d{1,5}))?$/.exec(portField);
  const port = Number(m?.[1]);
  if (!m || port > PORT_MAX) throw new SdpParseError('bad_media', 'm= port is not valid', n);
  const portCount = m[2] === undefined ? undefined : Number(m[2]);
  if (portCount !== undefined && (portCount < 1 || portCount > PORT_MAX))
    throw new SdpParseError('bad_media', 'm= port count is not valid', n);
  if (!/^[A-Za-z0-9/._-]+$/.test(proto))
    throw new SdpParseError('bad_media', 'm= proto is not valid', n);
  const isRtp = proto.includes('RTP/');
  for (const f of formats) {
    if (isRtp ? !/^\d{1,3}$/.test(f) || Number(f) > 127 : !TOKEN.test(f))
      throw new SdpParseError('bad_media', 'm= format is not valid', n);
  }
  return {
    type,
    port,
    ...(portCount !== undefined ? { portCount } : {}),
    proto,
    formats,
    lines: [],
    attributes: [],
  };
}

function parseAttribute(value: string, n: number): SdpAttribute {
  const colon = value.indexOf(':');
  const name = colon < 0 ? value : value.slice(0, colon);
  if (!TOKEN.test(name))
    throw new SdpParseError('bad_attribute', 'attribute name is not a token', n);
  return colon < 0 ? { name } : { name, value: value.slice(colon + 1) };
}
