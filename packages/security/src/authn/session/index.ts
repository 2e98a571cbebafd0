export {
  csrfTokenFor,
  generateSessionToken,
  hashSessionToken,
  isSessionTokenShape,
  SESSION_TOKEN_BYTES,
  type GeneratedSessionToken,
} from './session-token.ts';
export {
  DEFAULT_SESSION_POLICY,
  timeoutsFor,
  type SessionPolicy,
  type SessionTimeouts,
} from './session-policy.ts';
export { SessionService, type IssuedSession, type SessionsEnded } from './session-service.ts';
