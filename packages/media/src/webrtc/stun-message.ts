/**
 * STUN messages (RFC 8489, formerly RFC 5389) as far as ICE-lite needs them:
 * decode with bounds checks, MESSAGE-INTEGRITY (HMAC-SHA1, short-term
 * credentials) and FINGERPRINT (CRC-32 xor 0x5354554e) verification, and
 * encoding of a response with XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY and
 * FINGERPRINT. MESSAGE-INTEGRITY-SHA256 is not used by WebRTC and not read.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { isIPv4 } from 'node:net';

export const STUN_MAGIC = 0x2112a442;
export const STUN_HEADER = 20;
/** A datagram on a media port is never bigger; refuse anything larger unread. */
export const STUN_MAX_SIZE = 1500;

export const StunType = {
  bindingRequest: 0x0001,
  bindingSuccess: 0x0101,
  bindingError: 0x0111,
  bindingIndication: 0x0011,
} as const;

export const StunAttr = {
  username: 0x0006,
  messageIntegrity: 0x0008,
  errorCode: 0x0009,
  xorMappedAddress: 0x0020,
  priority: 0x0024,
  useCandidate: 0x0025,
  software: 0x8022,
  fingerprint: 0x8028,
  iceControlled: 0x8029,
  iceControlling: 0x802a,
} as const;

const FINGERPRINT_XOR = 0x5354554e;

export interface StunAttribute {
  readonly type: number;
  /** Offset of the attribute header in the message. */
  readonly offset: number;
  readonly value: Buffer;
}

export interface StunMessage {
  readonly type: number;
  readonly transactionId: Buffer;
  readonly attributes: readonly StunAttribute[];
  /** The raw message, for integrity checks. */
  readonly raw: Buffer;
}

/** RFC 7983: a datagram whose first byte is 0–3 may be STUN. */
export function looksLikeStun(b: Buffer): boolean {
  return (
    b.length >= STUN_HEADER && b[0] !== undefined && b[0] < 4 && b.readUInt32BE(4) === STUN_MAGIC
  );
}

/** Decodes a STUN message; undefined when it is not a well-formed one. */
export function decodeStun(b: Buffer): StunMessage | undefined {
  if (!looksLikeStun(b) || b.length > STUN_MAX_SIZE) return undefined;
  const length = b.readUInt16BE(2);
  if (length % 4 !== 0 || STUN_HEADER + length !== b.length) return undefined;
  const attributes: StunAttribute[] = [];
  let at = STUN_HEADER;
  while (at < b.length) {
    if (at + 4 > b.length) return undefined;
    const type = b.readUInt16BE(at);
    const len = b.readUInt16BE(at + 2);
    const end = at + 4 + len;
    if (end > b.length) return undefined;
    attributes.push({ type, offset: at, value: b.subarray(at + 4, end) });
    at = end + ((4 - (len % 4)) % 4);
    if (attributes.length > 64) return undefined;
  }
  return {
    type: b.readUInt16BE(0),
    transactionId: b.subarray(8, 20),
    attributes,
    raw: b,
  };
}

export function stunAttribute(m: StunMessage, type: number): StunAttribute | undefined {
  return m.attributes.find((a) => a.type === type);
}

/** A copy of the first `end` bytes with the header length set as if the message ended there. */
function prefixWithLength(raw: Buffer, end: number, lengthTo: number): Buffer {
  const copy = Buffer.from(raw.subarray(0, end));
  copy.writeUInt16BE(lengthTo - STUN_HEADER, 2);
  return copy;
}

function integrityOf(raw: Buffer, miOffset: number, key: Buffer): Buffer {
  // RFC 8489 §14.5: HMAC over everything before MESSAGE-INTEGRITY, with the
  // header length counting up to and including it (24 bytes).
  return createHmac('sha1', key)
    .update(prefixWithLength(raw, miOffset, miOffset + 24))
    .digest();
}

function fingerprintOf(raw: Buffer, fpOffset: number): number {
  return (crc32(prefixWithLength(raw, fpOffset, fpOffset + 8)) ^ FINGERPRINT_XOR) >>> 0;
}

/**
 * FINGERPRINT, when present, must be the last attribute and match. ICE
 * requires it on every check (RFC 8445 §7.1), so `required` refuses its absence.
 */
export function verifyFingerprint(m: StunMessage, required: boolean): boolean {
  const last = m.attributes[m.attributes.length - 1];
  const fp = stunAttribute(m, StunAttr.fingerprint);
  if (!fp) return !required;
  if (fp !== last || fp.value.length !== 4) return false;
  return fp.value.readUInt32BE(0) === fingerprintOf(m.raw, fp.offset);
}

/**
 * MESSAGE-INTEGRITY with a short-term credential (the key is the password's
 * bytes, RFC 8489 §9.1.1). Only FINGERPRINT may follow it. Constant-time compare.
 */
export function verifyIntegrity(m: StunMessage, password: Buffer): boolean {
  const index = m.attributes.findIndex((a) => a.type === StunAttr.messageIntegrity);
  const mi = m.attributes[index];
  if (!mi || mi.value.length !== 20) return false;
  const after = m.attributes.slice(index + 1);
  if (after.some((a) => a.type !== StunAttr.fingerprint)) return false;
  return timingSafeEqual(integrityOf(m.raw, mi.offset, password), mi.value);
}

export interface StunEncodeOptions {
  /** Adds MESSAGE-INTEGRITY keyed with this password. */
  readonly integrityKey?: Buffer;
  /** Adds FINGERPRINT (default true). */
  readonly fingerprint?: boolean;
  /** Byte used to pad attribute values (RFC 8489 lets it be anything; default 0). */
  readonly padding?: number;
}

/** Encodes a message: the given attributes, then MESSAGE-INTEGRITY and FINGERPRINT. */
export function encodeStun(
  type: number,
  transactionId: Buffer,
  attributes: readonly { readonly type: number; readonly value: Buffer }[],
  options: StunEncodeOptions = {},
): Buffer {
  const pad = options.padding ?? 0;
  const parts: Buffer[] = [];
  const header = Buffer.alloc(STUN_HEADER);
  header.writeUInt16BE(type, 0);
  header.writeUInt32BE(STUN_MAGIC, 4);
  transactionId.copy(header, 8, 0, 12);
  parts.push(header);
  for (const a of attributes) {
    const padded = (a.value.length + 3) & ~3;
    const attr = Buffer.alloc(4 + padded, pad);
    attr.writeUInt16BE(a.type, 0);
    attr.writeUInt16BE(a.value.length, 2);
    a.value.copy(attr, 4);
    parts.push(attr);
  }
  let msg = Buffer.concat(parts);
  msg.writeUInt16BE(msg.length - STUN_HEADER, 2);
  if (options.integrityKey) {
    const mi = Buffer.alloc(24);
    mi.writeUInt16BE(StunAttr.messageIntegrity, 0);
    mi.writeUInt16BE(20, 2);
    integrityOf(msg, msg.length, options.integrityKey).copy(mi, 4);
    msg = Buffer.concat([msg, mi]);
    msg.writeUInt16BE(msg.length - STUN_HEADER, 2);
  }
  if (options.fingerprint ?? true) {
    const fp = Buffer.alloc(8);
    fp.writeUInt16BE(StunAttr.fingerprint, 0);
    fp.writeUInt16BE(4, 2);
    fp.writeUInt32BE(fingerprintOf(msg, msg.length), 4);
    msg = Buffer.concat([msg, fp]);
    msg.writeUInt16BE(msg.length - STUN_HEADER, 2);
  }
  return msg;
}

/** XOR-MAPPED-ADDRESS value (RFC 8489 §14.2). */
export function xorMappedAddress(address: string, port: number, transactionId: Buffer): Buffer {
  const v4 = isIPv4(address);
  const value = Buffer.alloc(v4 ? 8 : 20);
  value.writeUInt8(v4 ? 1 : 2, 1);
  value.writeUInt16BE(port ^ (STUN_MAGIC >>> 16), 2);
  const raw = v4 ? ipv4Bytes(address) : ipv6Bytes(address);
  const mask = Buffer.alloc(16);
  mask.writeUInt32BE(STUN_MAGIC, 0);
  transactionId.copy(mask, 4, 0, 12);
  for (let i = 0; i < raw.length; i++) value[4 + i] = (raw[i] as number) ^ (mask[i] as number);
  return value;
}

/** Reads an XOR-MAPPED-ADDRESS value back (for tests and diagnostics). */
export function readXorMappedAddress(
  value: Buffer,
  transactionId: Buffer,
): { address: string; port: number } | undefined {
  if (value.length < 8) return undefined;
  const family = value[1];
  const port = value.readUInt16BE(2) ^ (STUN_MAGIC >>> 16);
  const mask = Buffer.alloc(16);
  mask.writeUInt32BE(STUN_MAGIC, 0);
  transactionId.copy(mask, 4, 0, 12);
  const len = family === 1 ? 4 : family === 2 ? 16 : 0;
  if (len === 0 || value.length !== 4 + len) return undefined;
  const raw = Buffer.alloc(len);
  for (let i = 0; i < len; i++) raw[i] = (value[4 + i] as number) ^ (mask[i] as number);
  if (len === 4) return { address: [...raw].join('.'), port };
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(raw.readUInt16BE(i).toString(16));
  return { address: groups.join(':'), port };
}

function ipv4Bytes(address: string): Buffer {
  return Buffer.from(address.split('.').map(Number));
}

function ipv6Bytes(address: string): Buffer {
  const [head = '', tail = ''] = address.split('::');
  const h = head ? head.split(':') : [];
  const t = address.includes('::') && tail ? tail.split(':') : [];
  const groups = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}
