export {
  StunAttr,
  StunType,
  decodeStun,
  encodeStun,
  stunAttribute,
  verifyFingerprint,
  verifyIntegrity,
  xorMappedAddress,
  readXorMappedAddress,
} from './stun-message.ts';
export type { StunMessage, StunAttribute, StunEncodeOptions } from './stun-message.ts';
export { answerCheck, isBindingIndication } from './ice-lite.ts';
export type { IceLiteCredentials, IceCheckResult, IceCheckRefusal } from './ice-lite.ts';
export { classifyPacket } from './demux.ts';
export type { PacketKind } from './demux.ts';
export {
  createDtlsCertificate,
  certificateFingerprint,
  fingerprintMatches,
} from './dtls-certificate.ts';
export type { DtlsCertificate } from './dtls-certificate.ts';
export type { DtlsRole, DtlsKeys } from './dtls-leg.ts';
