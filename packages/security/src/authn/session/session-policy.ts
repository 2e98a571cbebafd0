/** Session lifetimes (PRODUCT §C4); every value comes from the server configuration. */
import type { SessionKind } from '../../ports/web-session-repository.ts';

export interface SessionTimeouts {
  readonly idleMs: number;
  readonly absoluteMs: number;
}

export interface SessionPolicy {
  readonly console: SessionTimeouts;
  readonly app: SessionTimeouts;
  /** How long a login may wait for its second factor or location confirmation. */
  readonly pendingMs: number;
  /** Security changes need a password (+ second factor) check this recent. */
  readonly reauthWindowMs: number;
}

const MINUTE = 60_000;
export const DEFAULT_SESSION_POLICY: SessionPolicy = {
  console: { idleMs: 15 * MINUTE, absoluteMs: 12 * 60 * MINUTE },
  app: { idleMs: 60 * MINUTE, absoluteMs: 24 * 60 * MINUTE },
  pendingMs: 10 * MINUTE,
  reauthWindowMs: 5 * MINUTE,
};

export function timeoutsFor(policy: SessionPolicy, kind: SessionKind): SessionTimeouts {
  return kind === 'console' ? policy.console : policy.app;
}
