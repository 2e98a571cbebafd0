/**
 * INVITE server transaction: RFC 3261 §17.2.1 with the Accepted state of
 * RFC 6026 §8.5–8.7 (a 2xx does not end the transaction at once; INVITE
 * retransmissions are absorbed and the TU's own 2xx retransmissions pass).
 *
 *                              |INVITE
 *                              |pass INV to TU
 *           INVITE             V send 100 unless the TU answers in 200 ms
 *           send last 1xx +------------+
 *              +----------|            |--------+ 101-199 from TU
 *              |          | Proceeding |        | send response
 *              +--------->|            |<-------+
 *                         +------------+
 *          300-699 from TU |          | 2xx from TU
 *          send response   |          | send response
 *                          |          +------------------+
 *        INVITE            V     Timer G fires           |
 *        send resp. +-----------+ send response          V
 *            +------|           |-----+           +-----------+
 *            |      | Completed |     |           |           |<--+ 2xx from TU: send
 *            +----->|           |<----+           | Accepted  |   | INVITE: absorb
 *                   +-----------+                 |           |---+ ACK: to TU
 *                                                                   transport error: tell TU
 *            ACK       |    | Timer H / transport +-----------+
 *            -         |    | error: inform TU          |
 *                      V    |                           | Timer L
 *                +-----------+                          |
 *         ACK    |           |                          |
 *       +--------| Confirmed |                          |
 *       +------->|           |                          |
 *                +-----------+                          |
 *                      | Timer I                        |
 *                      V                                |
 *                +------------------------------------------+
 *                |                Terminated                |
 *                +------------------------------------------+
 *
 * A transport error in Proceeding or Completed ends the transaction and
 * tells the TU (`terminated` with `transport_error`).
 */
import type { PalisadeError } from '@palisade/common';
import { createResponse } from '../message/message-builders.ts';
import type { SipRequest, SipResponse } from '../message/sip-message.ts';
import { ServerTransactionBase } from './server-transaction.ts';
import type { TransitionTable } from './state-machine.ts';
import type { TransactionContext } from './transaction-base.ts';
import type { Destination } from './transport.ts';

export type InviteServerState =
  'proceeding' | 'completed' | 'confirmed' | 'accepted' | 'terminated';

export const INVITE_SERVER_TRANSITIONS: TransitionTable<InviteServerState> = {
  proceeding: ['completed', 'accepted', 'terminated'],
  completed: ['confirmed', 'terminated'],
  confirmed: ['terminated'],
  accepted: ['terminated'],
  terminated: [],
};

/** What the layer should do with a request the transaction was offered. */
export type Absorbed = 'absorbed' | 'to_tu';

export class InviteServerTransaction extends ServerTransactionBase<
  Exclude<InviteServerState, 'terminated'>
> {
  readonly kind = 'invite-server' as const;
  #lastProvisional: SipResponse | undefined;
  #intervalG: number;

  constructor(key: string, request: SipRequest, source: Destination, ctx: TransactionContext) {
    super(
      'INVITE server transaction',
      key,
      request,
      source,
      ctx,
      'proceeding',
      INVITE_SERVER_TRANSITIONS,
    );
    this.#intervalG = this.durations.G;
  }

  /** Starts the 200 ms timer after which a 100 Trying goes out (§17.2.1). */
  start(): void {
    this.startTimer('TRYING', this.durations.TRYING, () => {
      if (this.state === 'proceeding' && !this.#lastProvisional)
        this.respond(createResponse(this.request, 100));
    });
  }

  /**
   * Sends a response from the TU. Returns false when the state discards it
   * (anything after a non-2xx final, or a non-2xx after a 2xx).
   */
  respond(response: SipResponse): boolean {
    const status = response.status;
    const state = this.state;
    switch (state) {
      case 'proceeding':
        this.cancelTimer('TRYING');
        if (status < 200) {
          this.#lastProvisional = response;
          this.send(response);
        } else if (status < 300) {
          this.finalResponse = response;
          this.transition('accepted');
          this.send(response);
          if (!this.terminated)
            this.startTimer('L', this.durations.L, () => this.transition('terminated'));
        } else {
          this.finalResponse = response;
          this.transition('completed');
          this.send(response);
          if (this.terminated) return true;
          if (!this.destination.reliable)
            this.startTimer('G', this.#intervalG, () => this.#timerG());
          this.startTimer('H', this.durations.H, () => this.end('ack_timeout'));
        }
        return true;
      case 'accepted':
        // RFC 6026 §8.6: the TU's 2xx retransmissions go out; nothing else does
        if (status < 200 || status >= 300) return false;
        this.send(response);
        return true;
      case 'completed':
      case 'confirmed':
      case 'terminated':
        return false;
    }
  }

  /**
   * §17.2.4: a transport error ends the transaction, except in Accepted:
   * there it must keep absorbing INVITE retransmissions until Timer L, or
   * they would reach the TU as new requests, so the TU is only told.
   */
  protected override onTransportError(error: PalisadeError): void {
    if (this.state === 'accepted') this.events.emit('transportError', error);
    else this.end('transport_error');
  }

  #timerG(): void {
    if (this.state !== 'completed' || !this.finalResponse) return;
    this.send(this.finalResponse);
    this.#intervalG = Math.min(2 * this.#intervalG, this.ctx.timers.t2);
    this.startTimer('G', this.#intervalG, () => this.#timerG());
  }

  /** A request that matched this transaction: an INVITE retransmission or an ACK. */
  receiveRequest(request: SipRequest): Absorbed {
    const state = this.state;
    if (request.method === 'ACK') {
      switch (state) {
        case 'completed':
          this.transition('confirmed');
          this.cancelTimer('G');
          this.cancelTimer('H');
          this.startTimer('I', this.durations.I, () => this.transition('terminated'));
          return 'absorbed';
        case 'accepted':
          // RFC 6026 §8.7: an ACK for the 2xx belongs to the TU
          return 'to_tu';
        case 'proceeding':
        case 'confirmed':
        case 'terminated':
          return 'absorbed';
      }
    }
    switch (state) {
      case 'proceeding':
        if (this.#lastProvisional) this.send(this.#lastProvisional);
        return 'absorbed';
      case 'completed':
        if (this.finalResponse) this.send(this.finalResponse);
        return 'absorbed';
      case 'accepted':
      case 'confirmed':
      case 'terminated':
        return 'absorbed';
    }
  }
}
