/**
 * INVITE client transaction: RFC 3261 §17.1.1 with the Accepted state of
 * RFC 6026 §8.4 (2xx retransmissions go to the TU until Timer M).
 *
 *                         |INVITE from TU
 *       Timer A fires     |INVITE sent             Timer B fires
 *       Reset A,          V                        or transport error:
 *       INVITE sent +-----------+                  408/503 to TU
 *         +---------|           |---------------------------+
 *         |         |  Calling  |                           |
 *         +-------->|           |-----------+               |
 *  300-699          +-----------+ 2xx       |               |
 *  ACK sent            |  |       2xx to TU |               |
 *  resp. to TU         |  |1xx              |               |
 *   +------------------+  |1xx to TU        |               |
 *   |                     V                 |               |
 *   |  1xx to TU   +-----------+            |               |
 *   |  +-----------|           |  2xx       |               |
 *   |  |           |Proceeding |----------->|               |
 *   |  +---------->|           |  2xx to TU |               |
 *   |              +-----------+            |               |
 *   |     300-699     |                     V               |
 *   |     ACK sent,   |              +-----------+          |
 *   |     resp. to TU |              |           |  2xx     |
 *   |                 |              | Accepted  |  to TU   |
 *   |                 V              |           |<--+      |
 *   |   300-699  +-----------+       +-----------+   |      |
 *   |   ACK sent |           |         |   |   +-----+      |
 *   |   +--------| Completed |         |   Timer M          |
 *   |   +------->|           |         |                    |
 *   +----------->+-----------+         |                    |
 *                     |  Timer D       |                    |
 *                     V                V                    |
 *                 +---------------------------+             |
 *                 |        Terminated         |<------------+
 *                 +---------------------------+
 */
import type { SipRequest, SipResponse } from '../message/sip-message.ts';
import { createNon2xxAck } from './ack-and-cancel.ts';
import { ClientTransactionBase } from './client-transaction.ts';
import type { ClientTransactionInit } from './client-transaction.ts';
import type { TransitionTable } from './state-machine.ts';

export type InviteClientState = 'calling' | 'proceeding' | 'completed' | 'accepted' | 'terminated';

export const INVITE_CLIENT_TRANSITIONS: TransitionTable<InviteClientState> = {
  calling: ['proceeding', 'completed', 'accepted', 'terminated'],
  proceeding: ['completed', 'accepted', 'terminated'],
  completed: ['terminated'],
  accepted: ['terminated'],
  terminated: [],
};

export class InviteClientTransaction extends ClientTransactionBase<
  Exclude<InviteClientState, 'terminated'>
> {
  readonly kind = 'invite-client' as const;
  #ack: SipRequest | undefined;
  #intervalA: number;
  #whenProceeding: (() => void) | undefined;

  constructor(init: ClientTransactionInit) {
    super('invite client transaction', init, 'calling', INVITE_CLIENT_TRANSITIONS);
    this.#intervalA = this.durations.A;
  }

  /** Sends the INVITE and starts Timers A (unreliable only) and B (§17.1.1.2). */
  start(): void {
    this.send(this.request);
    if (this.terminated) return;
    if (!this.destination.reliable) this.startTimer('A', this.#intervalA, () => this.#timerA());
    this.startTimer('B', this.durations.B, () => this.fail(408, 'timeout'));
  }

  /**
   * Runs `fn` once a provisional response has arrived (now, if one has):
   * a CANCEL must wait for it (RFC 3261 §9.1). Dropped if the INVITE ends first.
   */
  whenProceeding(fn: () => void): void {
    if (this.state === 'proceeding') fn();
    else if (this.state === 'calling') this.#whenProceeding = fn;
  }

  #timerA(): void {
    if (this.state !== 'calling') return;
    this.send(this.request);
    this.#intervalA *= 2;
    this.startTimer('A', this.#intervalA, () => this.#timerA());
  }

  receiveResponse(response: SipResponse): void {
    const status = response.status;
    const state = this.state;
    switch (state) {
      case 'calling':
      case 'proceeding':
        if (status < 200) {
          if (state === 'calling') {
            this.transition('proceeding');
            // no more retransmissions; Timer B guards the Calling state only
            this.cancelTimer('A');
            this.cancelTimer('B');
          }
          this.user.response(response, 'network');
          const pending = this.#whenProceeding;
          this.#whenProceeding = undefined;
          pending?.();
        } else if (status < 300) {
          // RFC 6026 §8.4: stay to pass 2xx retransmissions up until Timer M
          this.transition('accepted');
          this.cancelTimer('A');
          this.cancelTimer('B');
          this.user.response(response, 'network');
          this.startTimer('M', this.durations.M, () => this.transition('terminated'));
        } else {
          this.transition('completed');
          this.cancelTimer('A');
          this.cancelTimer('B');
          this.#ack = createNon2xxAck(this.request, response);
          this.send(this.#ack);
          this.user.response(response, 'network');
          if (!this.terminated)
            this.startTimer('D', this.durations.D, () => this.transition('terminated'));
        }
        return;
      case 'completed':
        // §17.1.1.2: a retransmitted final response gets the ACK again
        if (status >= 300 && this.#ack) this.send(this.#ack);
        return;
      case 'accepted':
        if (status >= 200 && status < 300) this.user.response(response, 'network');
        return;
      case 'terminated':
        return;
    }
  }

  protected get hasFinalResponse(): boolean {
    return this.state !== 'calling' && this.state !== 'proceeding';
  }
}
