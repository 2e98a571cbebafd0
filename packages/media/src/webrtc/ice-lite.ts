/**
 * The server side of ICE-lite (RFC 8445 §2.5, §7.3): we never send checks,
 * we answer the peer's. A Binding request is answered only when it carries
 * USERNAME "<our ufrag>:<peer ufrag>", a MESSAGE-INTEGRITY made with our
 * ice-pwd and a valid FINGERPRINT, and the peer claims ICE-CONTROLLING (a
 * lite agent is always controlled). Anything else gets no answer at all, so
 * a port sweep learns nothing; that is a deliberate departure from the 400
 * and 401 replies of RFC 8489 §10.1.2.
 *
 * A valid check is what authorises an address: the relay learns the peer's
 * address only from one (strict source for WebRTC legs).
 */
import { timingSafeEqual } from 'node:crypto';
import {
  StunAttr,
  StunType,
  decodeStun,
  encodeStun,
  stunAttribute,
  verifyFingerprint,
  verifyIntegrity,
  xorMappedAddress,
} from './stun-message.ts';

export interface IceLiteCredentials {
  readonly localUfrag: string;
  readonly localPwd: string;
  /** The peer's ufrag from its SDP. */
  readonly remoteUfrag: string;
}

export type IceCheckRefusal =
  | 'malformed'
  | 'not_a_request'
  | 'bad_fingerprint'
  | 'bad_username'
  | 'bad_integrity'
  | 'role_conflict';

export type IceCheckResult =
  | { readonly ok: true; readonly response: Buffer; readonly nominated: boolean }
  | { readonly ok: false; readonly reason: IceCheckRefusal };

/** Binding indications are keepalives (RFC 8445 §11): valid, nothing to answer. */
export function isBindingIndication(packet: Buffer): boolean {
  return packet.length >= 2 && packet.readUInt16BE(0) === StunType.bindingIndication;
}

function sameText(a: Buffer, b: string): boolean {
  const bb = Buffer.from(b, 'utf8');
  return a.length === bb.length && timingSafeEqual(a, bb);
}

/** Checks one connectivity check from `from` and builds the success response. */
export function answerCheck(
  packet: Buffer,
  from: { readonly address: string; readonly port: number },
  creds: IceLiteCredentials,
): IceCheckResult {
  const m = decodeStun(packet);
  if (!m) return { ok: false, reason: 'malformed' };
  if (m.type !== StunType.bindingRequest) return { ok: false, reason: 'not_a_request' };
  if (!verifyFingerprint(m, true)) return { ok: false, reason: 'bad_fingerprint' };
  const username = stunAttribute(m, StunAttr.username);
  if (!username || !sameText(username.value, `${creds.localUfrag}:${creds.remoteUfrag}`))
    return { ok: false, reason: 'bad_username' };
  const key = Buffer.from(creds.localPwd, 'utf8');
  if (!verifyIntegrity(m, key)) return { ok: false, reason: 'bad_integrity' };
  if (!stunAttribute(m, StunAttr.iceControlling)) return { ok: false, reason: 'role_conflict' };
  const response = encodeStun(
    StunType.bindingSuccess,
    m.transactionId,
    [
      {
        type: StunAttr.xorMappedAddress,
        value: xorMappedAddress(from.address, from.port, m.transactionId),
      },
    ],
    { integrityKey: key },
  );
  return { ok: true, response, nominated: stunAttribute(m, StunAttr.useCandidate) !== undefined };
}
