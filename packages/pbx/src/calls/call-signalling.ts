/**
 * The SIP plumbing call control shares: requests in client transactions
 * with their answers as promises, ACKs for 2xx sent outside any
 * transaction with a Via of their own (RFC 3261 §13.2.2.4, §17.1.1.3), and
 * our own Contact (topology hiding: the phones only ever see the B2BUA).
 */
import { ContactAddr, Params, Via, newBranch, sipUri } from '@palisade/sip';
import type {
  ClientTransaction,
  Destination,
  ResponseOrigin,
  SipRequest,
  SipResponse,
  TransactionLayer,
} from '@palisade/sip';

export interface FinalAnswer {
  readonly response: SipResponse;
  readonly origin: ResponseOrigin;
}

export type SentBy = (destination: Destination) => { readonly host: string; readonly port: number };

/**
 * Option tags we support on calls (RFC 4028 timer, RFC 3891 replaces,
 * RFC 3262 100rel; RFC 3311 UPDATE and RFC 3262 PRACK are methods).
 */
export const CALL_SUPPORTED = 'timer, replaces, 100rel';
export const CALL_ALLOW = 'INVITE, ACK, CANCEL, BYE, PRACK, UPDATE, REFER, NOTIFY, OPTIONS';

export class CallSignalling {
  readonly #layer: () => TransactionLayer;
  readonly #sentBy: SentBy;

  constructor(layer: () => TransactionLayer, sentBy: SentBy) {
    this.#layer = layer;
    this.#sentBy = sentBy;
  }

  get layer(): TransactionLayer {
    return this.#layer();
  }

  /** Our Contact towards a peer reached at `destination`. */
  contact(destination: Destination): ContactAddr {
    const { host, port } = this.#sentBy(destination);
    const transport: Record<string, string> =
      destination.transport === 'UDP' ? {} : { transport: destination.transport.toLowerCase() };
    return new ContactAddr(undefined, sipUri({ user: 'palisade', host, port, params: transport }));
  }

  /**
   * Sends a request in a new client transaction. Provisional answers go to
   * `onProvisional`; the first final answer resolves `final`; 2xx
   * retransmissions of an INVITE (RFC 6026 §8.4) go to `onRetransmit`.
   */
  request(
    request: SipRequest,
    destination: Destination,
    handlers: {
      onProvisional?: (response: SipResponse) => void;
      onRetransmit?: (response: SipResponse) => void;
    } = {},
  ): { readonly transaction: ClientTransaction; readonly final: Promise<FinalAnswer> } {
    let settle!: (a: FinalAnswer) => void;
    const final = new Promise<FinalAnswer>((resolve) => (settle = resolve));
    let done = false;
    const transaction = this.#layer().sendRequest(request, destination, {
      response: (response, origin) => {
        if (response.status < 200) handlers.onProvisional?.(response);
        else if (!done) {
          done = true;
          settle({ response, origin });
        } else if (response.status < 300) handlers.onRetransmit?.(response);
      },
    });
    return { transaction, final };
  }

  /** Sends an ACK (or any stateless request) with a fresh Via. */
  sendStateless(request: SipRequest, destination: Destination): void {
    const { host, port } = this.#sentBy(destination);
    const via = new Via(
      destination.transport,
      host,
      port,
      Params.empty.with('branch', newBranch()).with('rport', null),
    );
    this.#layer().sendStateless(request.prependHeader('via', via), destination);
  }
}

/** The SDP body of a message, if it carries one. */
export const sdpOf = (m: SipRequest | SipResponse): string | undefined =>
  m.body.length > 0 && (m.first('content-type')?.subtype ?? '').toLowerCase() === 'sdp'
    ? m.body.toString('utf8')
    : undefined;
