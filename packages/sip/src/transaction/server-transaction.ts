/** What server transactions share: the request, the final response, and how they end. */
import { TypedEmitter } from '@palisade/common';
import type { PalisadeError } from '@palisade/common';
import { parseMessage } from '../message/message-parser.ts';
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
  #request: SipRequest | undefined;
  #events: TypedEmitter<ServerTransactionEvents> | undefined;
  #final: SipResponse | undefined;
  /** The final response as sent, once the parsed one is let go (see `compact`). */
  #finalBytes: Buffer | undefined;
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
    this.#request = request;
  }

  /**
   * The request. A non-INVITE server transaction lets it go once its final
   * response is sent (`compact`); reading it after that is a bug.
   */
  get request(): SipRequest {
    if (this.#request === undefined)
      throw new Error(`${this.name}: the request is released once the final response is sent`);
    return this.#request;
  }

  /** `terminated` fires once; close() by the owner ends silently. */
  get events(): TypedEmitter<ServerTransactionEvents> {
    return (this.#events ??= new TypedEmitter<ServerTransactionEvents>());
  }

  /** The final response sent, if any. */
  get finalResponse(): SipResponse | undefined {
    if (this.#final === undefined && this.#finalBytes !== undefined)
      return parseMessage(this.#finalBytes) as SipResponse;
    return this.#final;
  }

  protected set finalResponse(response: SipResponse) {
    this.#final = response;
    this.#finalBytes = undefined;
  }

  /**
   * Keeps only the bytes of the final response and lets the request and the
   * parsed messages go. A completed non-INVITE transaction waits 32 s over
   * UDP (Timer J) only to answer retransmissions; holding the parsed request
   * and response for that long costs about 11 KiB per transaction, which at
   * thousands of REGISTERs a second is gigabytes of heap for the collector
   * to walk. The bytes are the ones already sent (messages cache their
   * serialisation); a retransmission parses them again, which is rare.
   */
  protected compact(): void {
    if (this.#final === undefined) return;
    this.#finalBytes = this.#final.toBuffer();
    this.#final = undefined;
    this.#request = undefined;
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
    this.#events?.emit('terminated', this.#ending);
  }
}
