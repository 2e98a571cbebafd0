export { encodeBase32, decodeBase32 } from './base32.ts';
export { hotp, type OtpAlgorithm } from './hotp.ts';
export {
  generateTotpSecret,
  totpStep,
  totpCode,
  verifyTotp,
  totpUri,
  TOTP_SECRET_BYTES,
  type TotpOptions,
  type TotpSecret,
  type TotpVerifyInput,
  type TotpVerifyResult,
  type TotpUriInput,
} from './totp.ts';
