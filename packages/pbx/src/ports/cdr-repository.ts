import type { ListOptions } from './list-options.ts';

/**
 * How a call ended. `in_progress` is the state of the row written when the
 * call starts; `interrupted` is what a restart writes over rows still in
 * progress (the server stopped during the call).
 */
export const CDR_DISPOSITIONS = [
  'in_progress',
  'answered',
  'busy',
  'no_answer',
  'failed',
  'cancelled',
  'interrupted',
] as const;
export type CdrDisposition = (typeof CDR_DISPOSITIONS)[number];

/** Who ended the call: the caller, the callee, or the server (timeouts, errors, restarts). */
export type CdrCauseSide = 'caller' | 'callee' | 'system';

export type CallClass = 'internal' | 'national' | 'international' | 'emergency';

/** One call detail record. Times are epoch ms; `durationSeconds` counts from answer to end. */
export interface Cdr {
  readonly id: string;
  readonly tenantId: string;
  /** The Call-ID of the caller's leg. */
  readonly callId: string;
  readonly callerUserId: string;
  readonly callerDeviceId: string;
  /** The caller's extension as presented. */
  readonly caller: string;
  /** The number dialled. */
  readonly callee: string;
  readonly calleeUserId: string | null;
  readonly calleeDeviceId: string | null;
  readonly callClass: CallClass;
  readonly startedAt: number;
  readonly answeredAt: number | null;
  readonly endedAt: number | null;
  readonly durationSeconds: number;
  readonly disposition: CdrDisposition;
  /** A short machine-readable cause, e.g. `normal`, `busy`, `session_timer`, `restart`. */
  readonly hangupCause: string | null;
  readonly causeSide: CdrCauseSide | null;
}

export type NewCdr = Pick<
  Cdr,
  'tenantId' | 'callId' | 'callerUserId' | 'callerDeviceId' | 'caller' | 'callee' | 'callClass'
> & {
  readonly calleeUserId?: string | null;
  readonly startedAt: number;
};

export interface CdrOutcome {
  readonly disposition: Exclude<CdrDisposition, 'in_progress' | 'interrupted'>;
  readonly calleeUserId: string | null;
  readonly calleeDeviceId: string | null;
  readonly answeredAt: number | null;
  readonly endedAt: number;
  readonly hangupCause: string;
  readonly causeSide: CdrCauseSide;
}

export interface CdrFilter {
  readonly tenantId: string;
  /** Only calls started at or after this instant. */
  readonly from?: number;
  /** Only calls started before this instant. */
  readonly to?: number;
  readonly disposition?: CdrDisposition;
  /** Calls where this user was the caller or the callee. */
  readonly userId?: string;
  /** Calls whose caller or callee number equals this. */
  readonly number?: string;
}

export interface CdrRepository {
  /** Inserts the row of a call that starts (disposition `in_progress`), committed when it resolves. */
  begin(input: NewCdr): Promise<Cdr>;
  /**
   * Writes the outcome of a call still in progress, committed when it
   * resolves; false when the row is missing or already final (a CDR is
   * never written twice).
   */
  finish(id: string, outcome: CdrOutcome): Promise<boolean>;
  /** Marks every row still in progress as `interrupted` (at start-up); returns how many. */
  markInterrupted(now: number): Promise<number>;
  findById(id: string): Promise<Cdr | null>;
  /** Newest first. */
  list(filter: CdrFilter, options?: ListOptions): Promise<Cdr[]>;
}
