export {
  startPalisade,
  publicBaseUrl,
  type PalisadeServer,
  type StartOptions,
} from './palisade-server.ts';
export { loadConfig, ConfigError, type LoadedConfig } from './config/load-config.ts';
export type { PalisadeConfig } from './config/schema.ts';
export { createSecurityEvents, loggingEventSink } from './security-events.ts';
export { hardenedTlsOptions, TLS12_AEAD_CIPHERS } from './tls/hardened-tls.ts';
export { createSelfSignedCertificate, type PemPair } from './tls/self-signed.ts';
export { NftBanSet } from './ids/nft-ban-set.ts';
