export {
  computeHa1,
  computeDigestResponse,
  digestHash,
  parseDigestAlgorithm,
  DIGEST_ALGORITHM_PREFERENCE,
  type DigestAlgorithm,
  type DigestResponseInput,
} from './digest-algorithm.ts';
export { digestAlgorithmOf, DIGEST_LIMITS, type DigestParams } from './digest-credentials.ts';
export {
  DigestAuthenticator,
  type DigestAuthenticatorOptions,
  type DigestChallenge,
  type DigestFailureReason,
  type DigestVerifyInput,
  type DigestVerifyResult,
} from './digest-authenticator.ts';
