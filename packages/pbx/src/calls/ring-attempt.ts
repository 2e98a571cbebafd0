/**
 * One round of ringing: INVITEs to a set of contacts at once, settled by
 * the first 2xx (the others are cancelled, RFC 3261 §16.7 step 10-style),
 * by every branch failing (the best answer chosen as in §16.7 step 6), by
 * the no-answer timer, or by the caller's CANCEL.
 *
 *   ringing ──first 2xx──▶ answered   (other branches: CANCEL; a late 2xx: ACK + BYE)
 *      ├──all failed──────▶ failed    (busy when any branch said 486/600)
 *      ├──timer───────────▶ no_answer (every branch cancelled)
 *      └──cancel()────────▶ cancelled (every branch cancelled)
 */
import { StateMachine } from '@palisade/sip';
import type { Dialog, SipRequest, SipResponse, TransitionTable } from '@palisade/sip';
import type { Clock, TimerHandle } from '@palisade/common';
import { Fork } from './fork.ts';
import type { ForkOwner } from './fork.ts';
import type { CallTarget } from './call-ports.ts';
import type { CallSignalling } from './call-signalling.ts';

export type AttemptState = 'ringing' | 'answered' | 'failed' | 'no_answer' | 'cancelled';

export const ATTEMPT_TRANSITIONS: TransitionTable<AttemptState> = {
  ringing: ['answered', 'failed', 'no_answer', 'cancelled'],
  answered: [],
  failed: [],
  no_answer: [],
  cancelled: [],
};

export type AttemptOutcome =
  | {
      readonly kind: 'answered';
      readonly fork: Fork;
      readonly response: SipResponse;
      readonly dialog: Dialog;
    }
  | { readonly kind: 'busy' }
  | { readonly kind: 'failed'; readonly status: number }
  | { readonly kind: 'no_answer' }
  | { readonly kind: 'cancelled' };

export interface AttemptHooks {
  /** A 180/183 from a branch (only while ringing). */
  provisional(fork: Fork, response: SipResponse): void;
  /** A branch stopped ringing (failed) while others go on: who rings changed. */
  branchEnded?(fork: Fork): void;
}

/** §16.7 step 6: a 6xx wins; else busy if any branch was busy; else the lowest status. */
export function bestFailure(statuses: readonly number[]): AttemptOutcome {
  const global = statuses.find((s) => s >= 600);
  if (global !== undefined)
    return global === 600 ? { kind: 'busy' } : { kind: 'failed', status: global };
  if (statuses.includes(486)) return { kind: 'busy' };
  const lowest = Math.min(...statuses);
  return { kind: 'failed', status: Number.isFinite(lowest) ? lowest : 480 };
}

export class RingAttempt implements ForkOwner {
  readonly #machine = new StateMachine<AttemptState>(
    'ring attempt',
    'ringing',
    ATTEMPT_TRANSITIONS,
  );
  readonly #forks: Fork[] = [];
  readonly #statuses: number[] = [];
  readonly #hooks: AttemptHooks;
  readonly #timer: TimerHandle;
  readonly outcome: Promise<AttemptOutcome>;
  #settle!: (o: AttemptOutcome) => void;

  constructor(init: {
    readonly signalling: CallSignalling;
    readonly clock: Clock;
    readonly targets: readonly CallTarget[];
    readonly invite: (target: CallTarget) => SipRequest;
    readonly seconds: number;
    readonly hooks: AttemptHooks;
  }) {
    this.#hooks = init.hooks;
    this.outcome = new Promise((resolve) => (this.#settle = resolve));
    this.#timer = init.clock.setTimeout(() => this.#stop('no_answer'), init.seconds * 1000);
    for (const target of init.targets)
      this.#forks.push(new Fork(init.signalling, target, init.invite(target), this));
    for (const fork of this.#forks) fork.start();
  }

  get state(): AttemptState {
    return this.#machine.state;
  }

  /**
   * The contacts ringing: while ringing, the branches neither answered nor
   * ended; once answered, the answering one (until the call takes it over).
   */
  ringing(): CallTarget[] {
    switch (this.state) {
      case 'ringing':
        return this.#forks
          .filter((f) => f.state === 'calling' || f.state === 'early')
          .map((f) => f.target);
      case 'answered':
        return this.#forks.filter((f) => f.state === 'answered').map((f) => f.target);
      case 'failed':
      case 'no_answer':
      case 'cancelled':
        return [];
    }
  }

  provisional(fork: Fork, response: SipResponse): void {
    if (this.state === 'ringing') this.#hooks.provisional(fork, response);
  }

  answered(fork: Fork, response: SipResponse, dialog: Dialog): void {
    if (this.state !== 'ringing') {
      // a 2xx after the call was settled: ACKed already, now BYE (§13.2.2.4)
      fork.hangUp(dialog);
      return;
    }
    this.#machine.transition('answered');
    this.#timer.cancel();
    for (const f of this.#forks) if (f !== fork) f.cancel();
    this.#settle({ kind: 'answered', fork, response, dialog });
  }

  failed(fork: Fork, response: SipResponse): void {
    this.#statuses.push(response.status);
    if (this.state !== 'ringing') return;
    if (this.#forks.every((f) => f.state === 'failed')) {
      const best = bestFailure(this.#statuses);
      this.#machine.transition('failed');
      this.#timer.cancel();
      this.#settle(best);
    } else this.#hooks.branchEnded?.(fork);
  }

  /** The caller gave up (CANCEL) or the call is being torn down. */
  cancel(): void {
    this.#stop('cancelled');
  }

  #stop(kind: 'no_answer' | 'cancelled'): void {
    if (this.state !== 'ringing') return;
    this.#machine.transition(kind);
    this.#timer.cancel();
    for (const f of this.#forks) f.cancel();
    this.#settle({ kind });
  }
}
