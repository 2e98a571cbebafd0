/**
 * Non-INVITE server transaction (RFC 3261 §17.2.2).
 *
 *                         |Request received
 *                         |pass to TU
 *                         V
 *                   +-----------+
 *                   |           |
 *                   | Trying    |-------------+
 *                   |           |             |
 *                   +-----------+             |200-699 from TU
 *                         |                   |send response
 *                         |1xx from TU        |
 *                         |send response      |
 *                         |                   |
 *      Request            V      1xx from TU  |
 *      send response+-----------+send response|
 *          +--------|           |--------+    |
 *          |        | Proceeding|        |    |
 *          +------->|           |<-------+    |
 *   +<--------------|           |             |
 *   |Trnsprt Err    +-----------+             |
 *   |Inform TU            |                   |
 *   |                     |                   |
 *   |                     |200-699 from TU    |
 *   |                     |send response      |
 *   |  Request            V                   |
 *   |  send response+-----------+             |
 *   |      +--------|           |             |
 *   |      |        | Completed |<------------+
 *   |      +------->|           |
 *   +<--------------|           |
 *   |Trnsprt Err    +-----------+
 *   |Inform TU            |
 *   |                     |Timer J fires
 *   |                     |-
 *   |                     |
 *   |                     V
 *   |               +-----------+
 *   |               |           |
 *   +-------------->| Terminated|
 *                   |           |
 *                   +-----------+
 */
import type { SipRequest, SipResponse } from '../message/sip-message.ts';
import { ServerTransactionBase } from './server-transaction.ts';
import type { TransitionTable } from './state-machine.ts';
import type { TransactionContext } from './transaction-base.ts';
import type { Destination } from './transport.ts';

export type NonInviteServerState = 'trying' | 'proceeding' | 'completed' | 'terminated';

export const NON_INVITE_SERVER_TRANSITIONS: TransitionTable<NonInviteServerState> = {
  trying: ['proceeding', 'completed', 'terminated'],
  proceeding: ['completed', 'terminated'],
  completed: ['terminated'],
  terminated: [],
};

export class NonInviteServerTransaction extends ServerTransactionBase<
  Exclude<NonInviteServerState, 'terminated'>
> {
  readonly kind = 'non-invite-server' as const;
  #lastResponse: SipResponse | undefined;

  constructor(key: string, request: SipRequest, source: Destination, ctx: TransactionContext) {
    super(
      'non-INVITE server transaction',
      key,
      request,
      source,
      ctx,
      'trying',
      NON_INVITE_SERVER_TRANSITIONS,
    );
  }

  /** Sends a response from the TU; false when Completed discards it (§17.2.2). */
  respond(response: SipResponse): boolean {
    const state = this.state;
    switch (state) {
      case 'trying':
      case 'proceeding':
        this.#lastResponse = response;
        if (response.status < 200) {
          if (state === 'trying') this.transition('proceeding');
          this.send(response);
          return true;
        }
        this.finalResponse = response;
        this.#lastResponse = undefined;
        this.transition('completed');
        this.send(response);
        if (!this.terminated) {
          this.compact();
          this.startTimer('J', this.durations.J, () => this.transition('terminated'));
        }
        return true;
      case 'completed':
      case 'terminated':
        return false;
    }
  }

  /** A retransmission of the request: absorbed in Trying, answered with the last response after. */
  receiveRequest(_request: SipRequest): 'absorbed' {
    switch (this.state) {
      case 'trying':
      case 'terminated':
        break;
      case 'proceeding':
        if (this.#lastResponse) this.send(this.#lastResponse);
        break;
      case 'completed': {
        const final = this.finalResponse;
        if (final) this.send(final);
        break;
      }
    }
    return 'absorbed';
  }
}
