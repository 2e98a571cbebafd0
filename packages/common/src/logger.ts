/**
 * The logging port every layer writes to. Structured fields only; never put a
 * secret (password, token, key, TOTP seed, SIP secret) in `fields`.
 */
export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(bindings: LogFields): Logger;
}

export const nullLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => nullLogger,
};

/**
 * Security and access events (PRODUCT §H3): logins, failures, registrations,
 * bans. They go to the audit trail and to syslog, beside the ordinary log.
 */
export type SecurityOutcome = 'success' | 'failure' | 'denied' | 'info';

export interface SecurityEvent {
  /** Stable dotted name, e.g. `auth.login`, `sip.register`, `ids.ban`. */
  readonly type: string;
  readonly outcome: SecurityOutcome;
  readonly tenantId?: string;
  readonly actor?: string;
  readonly remoteAddress?: string;
  readonly remotePort?: number;
  readonly method?: string;
  readonly detail?: LogFields;
}

export interface SecurityEventSink {
  emit(event: SecurityEvent): void;
}
