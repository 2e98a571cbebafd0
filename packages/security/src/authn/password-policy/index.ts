export {
  PASSWORD_POLICY_PRESETS,
  POLICY_MAX_LENGTH_CAP,
  definePasswordPolicy,
  nistDepartures,
  isPasswordExpired,
  type PasswordPolicy,
  type PasswordPolicyPreset,
  type PasswordLockout,
} from './password-policy.ts';
export {
  checkPassword,
  PRODUCT_NAME,
  type PasswordContext,
  type PasswordProblem,
  type PasswordProblemCode,
} from './password-checker.ts';
export { loadCommonPasswords } from './common-passwords.ts';
