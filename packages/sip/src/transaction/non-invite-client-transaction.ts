/**
 * Non-INVITE client transaction (RFC 3261 §17.1.2).
 *
 *                         |Request from TU
 *                         |send request
 *     Timer E             V
 *     send request  +-----------+
 *         +---------|           |-------------------+
 *         |         |  Trying   |  Timer F          |
 *         +-------->|           |  or transport err.|
 *                   +-----------+  408/503 to TU    |
 *      200-699         |  |                         |
 *      resp. to TU     |  |1xx                      |
 *      +---------------+  |resp. to TU              |
 *      |                  |                         |
 *      |   Timer E        V       Timer F           |
 *      |   send req +-----------+ or transport err. |
 *      |  +---------|           | 408/503 to TU     |
 *      |  |         | Proceeding|------------------>|
 *      |  +-------->|           |-----+             |
 *      |            +-----------+     |1xx          |
 *      |              |      ^        |resp to TU   |
 *      | 200-699      |      +--------+             |
 *      | resp. to TU  |                             |
 *      |              V                             |
 *      |            +-----------+                   |
 *      +----------->| Completed |                   |
 *                   +-----------+                   |
 *                     |  Timer K                    |
 *                     V                             |
 *                   +-----------+                   |
 *                   | Terminated|<------------------+
 *                   +-----------+
 */
import type { SipResponse } from '../message/sip-message.ts';
import { ClientTransactionBase } from './client-transaction.ts';
import type { ClientTransactionInit } from './client-transaction.ts';
import type { TransitionTable } from './state-machine.ts';

export type NonInviteClientState = 'trying' | 'proceeding' | 'completed' | 'terminated';

export const NON_INVITE_CLIENT_TRANSITIONS: TransitionTable<NonInviteClientState> = {
  trying: ['proceeding', 'completed', 'terminated'],
  proceeding: ['completed', 'terminated'],
  completed: ['terminated'],
  terminated: [],
};

export class NonInviteClientTransaction extends ClientTransactionBase<
  Exclude<NonInviteClientState, 'terminated'>
> {
  readonly kind = 'non-invite-client' as const;
  #intervalE: number;

  constructor(init: ClientTransactionInit) {
    super('non-INVITE client transaction', init, 'trying', NON_INVITE_CLIENT_TRANSITIONS);
    this.#intervalE = this.durations.E;
  }

  /** Sends the request and starts Timers E (unreliable only) and F (§17.1.2.2). */
  start(): void {
    this.send(this.request);
    if (this.terminated) return;
    if (!this.destination.reliable) this.startTimer('E', this.#intervalE, () => this.#timerE());
    this.startTimer('F', this.durations.F, () => this.fail(408, 'timeout'));
  }

  #timerE(): void {
    this.send(this.request);
    // Trying: double up to T2; Proceeding: every T2
    this.#intervalE =
      this.state === 'trying'
        ? Math.min(2 * this.#intervalE, this.ctx.timers.t2)
        : this.ctx.timers.t2;
    this.startTimer('E', this.#intervalE, () => this.#timerE());
  }

  receiveResponse(response: SipResponse): void {
    const state = this.state;
    switch (state) {
      case 'trying':
      case 'proceeding':
        if (response.status < 200) {
          if (state === 'trying') this.transition('proceeding');
          this.user.response(response, 'network');
          return;
        }
        this.transition('completed');
        this.cancelTimer('E');
        this.cancelTimer('F');
        this.user.response(response, 'network');
        if (!this.terminated)
          this.startTimer('K', this.durations.K, () => this.transition('terminated'));
        return;
      case 'completed':
      case 'terminated':
        // retransmissions are absorbed
        return;
    }
  }

  protected get hasFinalResponse(): boolean {
    return this.state === 'completed';
  }
}
