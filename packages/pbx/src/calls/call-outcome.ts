/**
 * How a call ends and how its CDR says so. An `Ending` is what the call
 * tells the caller (the final status of a call that never got answered)
 * and what the CDR keeps (disposition, cause, the side that caused it);
 * `commitOutcome` writes it once the call has let go of its legs and media.
 */
import type { Clock, Logger } from '@palisade/common';
import type { Cdr, CdrCauseSide, CdrOutcome, CdrRepository } from '../ports/cdr-repository.ts';
import type { AttemptOutcome } from './ring-attempt.ts';

export type Ending = {
  readonly status: number;
  readonly cause: string;
  readonly side: CdrCauseSide;
} & Pick<CdrOutcome, 'disposition'>;

/** A failure of our own making (routing, media, limits). */
export function failure(
  status: number,
  cause: string,
  disposition: Ending['disposition'] = 'failed',
): Ending {
  return { status, cause, disposition, side: 'system' };
}

/** The caller gave up (CANCEL). */
export function cancelled(): Ending {
  return { status: 487, disposition: 'cancelled', cause: 'cancelled', side: 'caller' };
}

/** The ending of a call whose ringing ended without an answer. */
export function unansweredEnding(outcome: Exclude<AttemptOutcome, { kind: 'answered' }>): Ending {
  switch (outcome.kind) {
    case 'busy':
      return { status: 486, disposition: 'busy', cause: 'busy', side: 'callee' };
    case 'no_answer':
      return { status: 480, disposition: 'no_answer', cause: 'no_answer', side: 'system' };
    case 'cancelled':
      return cancelled();
    case 'failed': {
      // local timeouts and transport errors of branches are ours, not the callee's
      const local = outcome.status === 408 || outcome.status === 503;
      return {
        status: local ? 480 : outcome.status,
        disposition: 'failed',
        cause: local ? 'unavailable' : `status_${outcome.status}`,
        side: local ? 'system' : 'callee',
      };
    }
  }
}

export interface OutcomeDeps {
  readonly cdrs: Pick<CdrRepository, 'finish'>;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** Who answered and when: what the call knows beyond its ending. */
export interface CallResult {
  readonly callee: { readonly userId: string | null; readonly deviceId: string | null };
  readonly answeredAt: number | null;
}

/** Commits the CDR's final outcome; a store failure is logged, never thrown. */
export async function commitOutcome(
  deps: OutcomeDeps,
  callId: string,
  cdr: Cdr | undefined,
  ending: Ending,
  result: CallResult,
): Promise<void> {
  if (!cdr) return;
  try {
    await deps.cdrs.finish(cdr.id, {
      disposition: ending.disposition,
      calleeUserId: result.callee.userId,
      calleeDeviceId: result.callee.deviceId,
      answeredAt: result.answeredAt,
      endedAt: deps.clock.now(),
      hangupCause: ending.cause,
      causeSide: ending.side,
    });
  } catch (err) {
    deps.logger.error('CDR could not be written', {
      callId,
      error: err instanceof Error ? err.message : String(err),
    });
  }
}
