export { SRTP_SUITES, srtpSuite, isSrtpSuiteName } from './srtp-suites.ts';
export type { SrtpSuite, SrtpSuiteName } from './srtp-suites.ts';
export { SrtpContext, estimateRoc } from './srtp-context.ts';
export type {
  SrtpKeyMaterial,
  SrtpContextOptions,
  SrtpFailure,
  SrtpSessionKeys,
} from './srtp-context.ts';
export { ReplayWindow } from './replay-window.ts';
export { deriveSessionKey } from './key-derivation.ts';
export { sdesKeyMaterial, chooseCrypto, createSdesKey } from './sdes-keys.ts';
export { rtpHeaderLength, isRtcp } from './rtp-header.ts';
