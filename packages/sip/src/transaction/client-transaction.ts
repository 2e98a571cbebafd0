/** What client transactions share: their request and user, and synthesised answers for failures. */
import type { PalisadeError } from '@palisade/common';
import { createResponse } from '../message/message-builders.ts';
import type { SipRequest, SipResponse } from '../message/sip-message.ts';
import type { TransitionTable } from './state-machine.ts';
import { TransactionBase } from './transaction-base.ts';
import type { TransactionContext } from './transaction-base.ts';
import type { Destination } from './transport.ts';

/**
 * Where a response came from: the network, or the transaction itself
 * standing in for one — a timeout is handed up as 408 and a transport
 * failure as 503 (RFC 3261 §8.1.3.1).
 */
export type ResponseOrigin = 'network' | 'timeout' | 'transport_error';

export interface ClientTransactionUser {
  response(response: SipResponse, origin: ResponseOrigin): void;
  /** Called once when the transaction is over (optional). */
  terminated?(): void;
}

export interface ClientTransactionInit {
  readonly key: string;
  readonly request: SipRequest;
  readonly destination: Destination;
  readonly ctx: TransactionContext;
  readonly user: ClientTransactionUser;
}

export abstract class ClientTransactionBase<S extends string> extends TransactionBase<S> {
  readonly request: SipRequest;
  protected readonly user: ClientTransactionUser;

  constructor(
    name: string,
    init: ClientTransactionInit,
    initial: S,
    table: TransitionTable<S | 'terminated'>,
  ) {
    super(name, init.key, init.destination, init.ctx, initial, table);
    this.request = init.request;
    this.user = init.user;
  }

  abstract start(): void;
  abstract receiveResponse(response: SipResponse): void;

  /** Ends the transaction, handing the TU a local 408 (timeout) or 503 (transport error). */
  protected fail(status: 408 | 503, origin: 'timeout' | 'transport_error'): void {
    this.user.response(createResponse(this.request, status), origin);
    if (!this.terminated) this.transition('terminated');
  }

  /** §17.1.4: a transport error before the final answer is a 503 for the TU. */
  protected onTransportError(_error: PalisadeError): void {
    if (this.hasFinalResponse) this.transition('terminated');
    else this.fail(503, 'transport_error');
  }

  protected abstract get hasFinalResponse(): boolean;

  protected onTerminated(): void {
    this.user.terminated?.();
  }
}
