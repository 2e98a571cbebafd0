export { hashToken } from './token-hash.ts';
export { randomToken, MIN_TOKEN_BYTES, MAX_TOKEN_BYTES } from './random-token.ts';
export { constantTimeEqual, type SecretInput } from './constant-time-equal.ts';
export { randomString, ALPHANUMERIC } from './random-string.ts';
export { generateSipSecret, SIP_SECRET_LENGTH } from './sip-secret.ts';
export {
  generateApiToken,
  parseApiToken,
  hashApiToken,
  verifyApiToken,
  API_TOKEN_PREFIX,
  API_TOKEN_LENGTH,
  type GeneratedApiToken,
  type ParsedApiToken,
} from './api-token.ts';
export { SecretBox, generateSecretBoxKey, SECRET_BOX_KEY_BYTES } from './secret-box.ts';
