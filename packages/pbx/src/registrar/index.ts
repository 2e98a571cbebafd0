export { Registrar, digestUriMatches } from './registrar.ts';
export type { RegistrarOptions } from './registrar.ts';
export { LocationService, isConnectionBound } from './location-service.ts';
export type { UserRegistrationChange } from './location-service.ts';
export { DEFAULT_REGISTER_POLICY } from './register-policy.ts';
export type { RegisterPolicy } from './register-policy.ts';
export type { RegistrarEvents, SipAuthFailure } from './registrar-events.ts';
export { RegistrationService, registrationView } from './registration-service.ts';
export type { RegistrationView } from './registration-service.ts';
