export * from './api-app.ts';
export type {
  ApiServices,
  IdentityServices,
  IdentitySettingsView,
  TenantIdentitySettingsStore,
  WebphoneIssuing,
  WebphoneTicketView,
} from './routes/api-services.ts';
export * from './http/request-guard.ts';
export * from './http/session-cookie.ts';
export * from './http/route-kit.ts';
export * from './http/security-headers.ts';
export type { ReadinessCheck } from './http/health-routes.ts';
export type { SsoApiServices } from './sso/sso-api-services.ts';
export {
  unwiredSsoSessionPort,
  type CurrentSession,
  type SsoSessionPort,
  type SsoSessionRequest,
} from './sso/sso-session-port.ts';
export { PENDING_COOKIE, REAUTH_COOKIE } from './sso/sso-cookie.ts';
export { identitySsoSessionPort } from './sso/identity-sso-session-port.ts';
