/** What server transactions share: the request, the final response, and how they end. */
import { TypedEmitter } from '@palisade/common';
import type { PalisadeError } from '@palisade/common';
import type { SipRequest, SipResponse } from '../message/sip-message.ts';
import type { TransitionTable } from './state-machine.ts';
import { TransactionBase } from './transaction-base.ts';
import type { TransactionContext } from './transaction-base.ts';
import type { Destination } from './transport.ts';

export type ServerTermination = 'normal' | 'ack_timeout' | 'transport_error';

// a type alias (not an interface) so it satisfies TypedEmitter's index signature
export type ServerTransactionEvents = {
  /** The transaction ended; `ack_timeout` is Timer H (no ACK for a non-2xx final). */
  readonly terminated: ServerTermination;
  /** A response could not be sent, in a state that outlives it (INVITE Accepted). */
  readonly transportError: PalisadeError;
};

export abstract class ServerTransactionBase<S extends string> extends TransactionBase<S> {
  readonly request: SipRequest;
  /** `terminated` fires once; close() by the owner ends silently. */
  readonly events = new TypedEmitter<ServerTransactionEvents>();
  #final: SipResponse | undefined;
  #ending: ServerTermination = 'normal';

  constructor(
    name: string,
    key: string,
    request: SipRequest,
    source: Destination,
    ctx: TransactionContext,
    initial: S,
    table: TransitionTable<S | 'terminated'>,
  ) {
    super(name, key, source, ctx, initial, table);
    this.request = request;
  }

  /** The final response sent, if any. */
  get finalResponse(): SipResponse | undefined {
    return this.#final;
  }

  protected set finalResponse(response: SipResponse) {
    this.#final = response;
  }

  abstract respond(response: SipResponse): boolean;

  protected end(reason: ServerTermination): void {
    this.#ending = reason;
    this.transition('terminated');
  }

  /** §17.2.4: the TU learns of transport failures through `terminated`. */
  protected onTransportError(_error: PalisadeError): void {
    this.end('transport_error');
  }

  protected onTerminated(): void {
    this.events.emit('terminated', this.#ending);
  }
}
