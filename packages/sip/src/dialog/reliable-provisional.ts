/**
 * Reliable provisional responses (RFC 3262): the `100rel` option tag, RSeq
 * and RAck, for both ends of an INVITE.
 *
 * `ReliableProvisionalSender` is the UAS side (§3). It stamps RSeq (a random
 * start, +1 each) and `Require: 100rel` on 101–199 responses, sends them,
 * retransmits the unacknowledged one at T1, 2·T1, 4·T1, … (over unreliable
 * transports only, like the 2xx of §13.3.1.4) and gives up after 64·T1. It
 * holds back a second reliable provisional until the first is PRACKed, and
 * tells the TU when a 2xx may go (not while a provisional with a session
 * description is unacknowledged).
 *
 *   idle ──send()──▶ awaiting_prack ──PRACK matches──▶ idle (next queued one goes out)
 *                          │
 *                          └──64·T1 without PRACK──▶ timed_out (TU rejects the INVITE, 5xx)
 *   any ──close()──▶ closed
 *
 * `ReliableProvisionalReceiver` is the UAC side (§4): per early dialog (To
 * tag), the first reliable provisional and then only RSeq + 1 is new; every
 * other one (a retransmission, or out of order) gets no PRACK and is not
 * processed.
 */
import { randomInt } from 'node:crypto';
import type { Clock, TimerHandle } from '@palisade/common';
import type { SipRequest, SipResponse } from '../message/sip-message.ts';
import type { RAck } from '../headers/scalar-headers.ts';
import { StateMachine } from '../transaction/state-machine.ts';
import type { TransitionTable } from '../transaction/state-machine.ts';

export const OPTION_100REL = '100rel';

const has100rel = (tags: readonly string[]): boolean =>
  tags.some((t) => t.toLowerCase() === OPTION_100REL);

/** How a request asks for 100rel: `required` (Require), `supported` (Supported), or `none`. */
export function reliabilityOf(request: SipRequest): 'required' | 'supported' | 'none' {
  if (has100rel(request.header('require'))) return 'required';
  if (has100rel(request.header('supported'))) return 'supported';
  return 'none';
}

/** A 101–199 response sent reliably: `Require: 100rel` and an RSeq (§4). */
export function isReliableProvisional(response: SipResponse): boolean {
  return (
    response.status > 100 &&
    response.status < 200 &&
    has100rel(response.header('require')) &&
    response.first('rseq') !== undefined
  );
}

export type ReliableSenderState = 'idle' | 'awaiting_prack' | 'timed_out' | 'closed';

export const RELIABLE_SENDER_TRANSITIONS: TransitionTable<ReliableSenderState> = {
  idle: ['awaiting_prack', 'closed'],
  awaiting_prack: ['idle', 'timed_out', 'closed'],
  timed_out: ['closed'],
  closed: [],
};

export interface ReliableSenderInit {
  readonly clock: Clock;
  /** The INVITE the provisionals answer (its CSeq is what a PRACK's RAck names). */
  readonly invite: SipRequest;
  /** Hands a response to the INVITE server transaction (first sending and retransmissions). */
  readonly send: (response: SipResponse) => void;
  /** Whether the transport retransmits by itself (TCP, TLS, WS): then we do not. */
  readonly reliableTransport: boolean;
  /** 64·T1 passed without a PRACK: the TU should reject the INVITE with a 5xx (§3). */
  readonly onTimeout: () => void;
  readonly t1?: number;
  /** The first RSeq; random in 1..2³¹−1 by default (§3). */
  readonly firstRSeq?: number;
}

interface Outstanding {
  readonly response: SipResponse;
  readonly rseq: number;
  readonly withBody: boolean;
}

export type PrackMatch = 'acknowledged' | 'no_match';

export class ReliableProvisionalSender {
  readonly #init: ReliableSenderInit;
  readonly #machine = new StateMachine<ReliableSenderState>(
    'reliable provisional',
    'idle',
    RELIABLE_SENDER_TRANSITIONS,
  );
  readonly #t1: number;
  readonly #queue: SipResponse[] = [];
  #nextRSeq: number;
  #outstanding: Outstanding | undefined;
  #retransmit: TimerHandle | undefined;
  #giveUp: TimerHandle | undefined;
  #waiters: ((ok: boolean) => void)[] = [];

  constructor(init: ReliableSenderInit) {
    this.#init = init;
    this.#t1 = init.t1 ?? 500;
    this.#nextRSeq = init.firstRSeq ?? randomInt(1, 2 ** 31);
  }

  get state(): ReliableSenderState {
    return this.#machine.state;
  }

  /** The RSeq of the provisional waiting for its PRACK, if any. */
  get awaitingRSeq(): number | undefined {
    return this.#outstanding?.rseq;
  }

  /**
   * Sends `response` (101–199) reliably, or queues it behind the one still
   * waiting for its PRACK (§3: one unacknowledged reliable provisional at a time).
   */
  send(response: SipResponse): void {
    if (response.status <= 100 || response.status >= 200)
      throw new Error('only 101-199 responses are sent reliably');
    const state = this.state;
    switch (state) {
      case 'idle':
        return this.#transmit(response);
      case 'awaiting_prack':
        this.#queue.push(response);
        return;
      case 'timed_out':
      case 'closed':
        return;
    }
  }

  /** A PRACK for this INVITE: does its RAck name the provisional awaiting one (§3)? */
  prack(request: SipRequest): PrackMatch {
    const rack: RAck | undefined = request.first('rack');
    const out = this.#outstanding;
    const invite = this.#init.invite;
    if (
      this.state !== 'awaiting_prack' ||
      !out ||
      !rack ||
      rack.rseq !== out.rseq ||
      rack.cseq !== invite.cseq.seq ||
      rack.method.toUpperCase() !== invite.method
    )
      return 'no_match';
    this.#stopTimers();
    this.#outstanding = undefined;
    this.#machine.transition('idle');
    const next = this.#queue.shift();
    if (next) this.#transmit(next);
    this.#wake();
    return 'acknowledged';
  }

  /**
   * Resolves true once no provisional with a session description waits for
   * its PRACK (a 2xx may then go, §3), false if one timed out or we closed.
   * Queued provisionals without a body are dropped: the 2xx supersedes them.
   */
  mayAnswer(): Promise<boolean> {
    if (this.#clear()) return Promise.resolve(true);
    if (this.state === 'timed_out' || this.state === 'closed') return Promise.resolve(false);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Stops retransmitting and drops the queue; idempotent. Waiters get false. */
  close(): void {
    if (this.state === 'closed') return;
    this.#stopTimers();
    this.#queue.length = 0;
    this.#outstanding = undefined;
    this.#machine.transition('closed');
    this.#wake();
  }

  #clear(): boolean {
    if (this.state === 'timed_out' || this.state === 'closed') return false;
    if (this.#outstanding?.withBody || this.#queue.some((r) => r.body.length > 0)) return false;
    this.#queue.length = 0;
    return true;
  }

  #wake(): void {
    const done = this.state === 'timed_out' || this.state === 'closed';
    if (!done && !this.#clear()) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w(!done);
  }

  #transmit(plain: SipResponse): void {
    const rseq = this.#nextRSeq;
    this.#nextRSeq = rseq + 1;
    const require = plain.header('require');
    const response = plain
      .withHeader('rseq', [rseq])
      .withHeader('require', has100rel(require) ? require : [...require, OPTION_100REL]);
    this.#outstanding = { response, rseq, withBody: response.body.length > 0 };
    this.#machine.transition('awaiting_prack');
    this.#init.send(response);
    const clock = this.#init.clock;
    if (!this.#init.reliableTransport) {
      // §3: retransmitted at T1, doubling each time, until the PRACK
      let interval = this.#t1;
      const again = (): void => {
        this.#init.send(response);
        interval *= 2;
        this.#retransmit = clock.setTimeout(again, interval);
      };
      this.#retransmit = clock.setTimeout(again, interval);
    }
    this.#giveUp = clock.setTimeout(() => {
      this.#stopTimers();
      this.#machine.transition('timed_out');
      this.#queue.length = 0;
      this.#wake();
      this.#init.onTimeout();
    }, 64 * this.#t1);
  }

  #stopTimers(): void {
    this.#retransmit?.cancel();
    this.#giveUp?.cancel();
    this.#retransmit = undefined;
    this.#giveUp = undefined;
  }
}

/** The UAC side (§4): which reliable provisionals to PRACK, and with what RAck. */
export class ReliableProvisionalReceiver {
  /** The last RSeq acknowledged per early dialog (the response's To tag). */
  readonly #last = new Map<string, number>();

  /**
   * The RAck for a new reliable provisional of `invite`; undefined for one
   * that is not reliable, or is a retransmission or out of order (§4: not
   * PRACKed and not processed further; `isNew` tells the two apart).
   */
  accept(invite: SipRequest, response: SipResponse): RAck | undefined {
    if (!isReliableProvisional(response)) return undefined;
    const rseq = response.first('rseq') as number;
    const tag = response.to.tag ?? '';
    const last = this.#last.get(tag);
    if (last !== undefined && rseq !== last + 1) return undefined;
    this.#last.set(tag, rseq);
    return { rseq, cseq: invite.cseq.seq, method: invite.method };
  }
}
