export {
  ACCOUNT_WIDE,
  DEFAULT_THROTTLE_POLICY,
  LOCKED_UNTIL_UNLOCKED,
  LoginThrottle,
  accountKeyOf,
  delayAfter,
  throttleFor,
  type ThrottlePolicy,
} from './login-throttle.ts';
export {
  SprayingDetector,
  DEFAULT_SPRAYING_OPTIONS,
  type SprayingOptions,
} from './spraying-detector.ts';
export { networkPrefix } from './network-prefix.ts';
export {
  LoginService,
  type LoginDeps,
  type LoginInput,
  type LoginOptions,
  type LoginOutcome,
  type MfaMethod,
  type Remote,
} from './login-service.ts';
