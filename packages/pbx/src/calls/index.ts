export { B2bua, CALL_METHODS } from './b2bua.ts';
export type { B2buaOptions } from './b2bua.ts';
export { Call } from './call.ts';
export { CALL_TRANSITIONS } from './call-state.ts';
export type { CallState } from './call-state.ts';
export type { AuditSink, CallTarget, LocationLookup } from './call-ports.ts';
export { CallerAuthenticator } from './caller-authenticator.ts';
export type { AuthenticatedCaller, CallerCheck } from './caller-authenticator.ts';
export type { B2buaEvents, BadDestination } from './call-events.ts';
export type {
  CallActivity,
  CallParty,
  LegParty,
  PartyDirection,
  PartyIdentity,
  PartyState,
} from './call-parties.ts';
export {
  CALL_SETTINGS_KEY,
  DEFAULT_CALL_SETTINGS,
  NO_FORWARDING,
  forwardingKey,
  parseCallSettings,
  parseForwarding,
  ringGroupWithExtension,
  storedCallSettings,
} from './call-settings.ts';
export type { CallSettings, ForwardingSettings, RingGroup, RingStrategy } from './call-settings.ts';
export { CallSettingsService } from './call-settings-service.ts';
export type { CallSettingsEvents } from './call-settings-service.ts';
export { CALL_CLASS_PERMISSION, classifyNumber, dialledNumber, mayCall } from './dial-plan.ts';
export { RegistrarLocation } from './registrar-location.ts';
export { FORK_TRANSITIONS } from './fork.ts';
export { ATTEMPT_TRANSITIONS, bestFailure } from './ring-attempt.ts';
export { CdrService, CDR_CSV_COLUMNS, cdrsToCsv, csvCell } from './cdr-service.ts';
export { MEDIA_PROFILES } from './call-snapshot.ts';
export type { CallLegView, CallSnapshot, LiveCallState, MediaProfile } from './call-snapshot.ts';
export { ADMIN_HANGUP_CAUSE, LiveCallService } from './live-call-service.ts';
export type { LiveCall, LiveCallParty, LiveCallSource } from './live-call-service.ts';
