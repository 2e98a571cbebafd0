/**
 * The transaction layer (RFC 3261 §17): owns every client and server
 * transaction, matches incoming messages to them (§17.1.3, §17.2.3, with
 * the RFC 2543 fallback), absorbs retransmissions, and hands new requests,
 * ACKs for 2xx and stray responses to the transaction user (UA core,
 * registrar, proxy core).
 */
import { systemClock } from '@palisade/common';
import type { Clock } from '@palisade/common';
import { Params } from '../grammar/generic-params.ts';
import { Via } from '../headers/via-header.ts';
import { newBranch } from '../message/ids.ts';
import { parseMessage } from '../message/message-parser.ts';
import type { SipMessage, SipRequest, SipResponse } from '../message/sip-message.ts';
import { createCancel } from './ack-and-cancel.ts';
import type { ClientTransactionUser } from './client-transaction.ts';
import { InviteClientTransaction } from './invite-client-transaction.ts';
import { InviteServerTransaction } from './invite-server-transaction.ts';
import { NonInviteClientTransaction } from './non-invite-client-transaction.ts';
import { NonInviteServerTransaction } from './non-invite-server-transaction.ts';
import type { TransactionBase, TransactionContext } from './transaction-base.ts';
import {
  clientKey,
  clientKeyOfResponse,
  serverKey,
  usesRfc3261Matching,
} from './transaction-keys.ts';
import { resolveTimers } from './timer-config.ts';
import type { TimerConfig } from './timer-config.ts';
import type { Destination, SipTransport } from './transport.ts';

export type ClientTransaction = InviteClientTransaction | NonInviteClientTransaction;
export type ServerTransaction = InviteServerTransaction | NonInviteServerTransaction;

export interface TransactionUser {
  /**
   * A request for the TU: a new one with the server transaction created for
   * it, or an ACK no transaction absorbs (the ACK for a 2xx, RFC 3261
   * §17.2.3 / RFC 6026 §8.7) with `transaction` undefined.
   */
  request(
    request: SipRequest,
    transaction: ServerTransaction | undefined,
    source: Destination,
  ): void;
  /**
   * A response no client transaction matches, e.g. a 2xx retransmission
   * after Timer M (§17.1.1.2 / RFC 6026). Dropped when not given.
   */
  strayResponse?(response: SipResponse, source: Destination): void;
  /**
   * RFC 3261 §8.2.7, stateless UAS: asked first about every new request
   * (not ACK or CANCEL, which a stateless UAS ignores). A final response
   * returned here is sent at once and no transaction is made; `undefined`
   * goes on to `request` with a server transaction as usual. Meant for the
   * challenge to an unauthenticated request: handled statefully, a flood
   * of them would be a flood of transaction state (§8.2.7, §26.1.5). The
   * layer keeps the bytes of the last STATELESS_KEPT such answers for
   * 64*T1, so a retransmission gets the very same answer again (§8.2.7:
   * "regenerates the response ... just as if it were replying to the first
   * instance"; a fresh challenge would carry a fresh nonce, and a strict
   * client could take the second one for an unexpected response).
   */
  statelessResponse?(request: SipRequest, source: Destination): SipResponse | undefined;
}

export interface TransactionLayerOptions {
  readonly transport: SipTransport;
  readonly user: TransactionUser;
  readonly clock?: Clock;
  readonly timers?: Partial<TimerConfig>;
}

/** Stateless answers remembered for retransmissions: bounded, the oldest go first. */
const STATELESS_KEPT = 32_768;

export class TransactionLayer {
  readonly #transport: SipTransport;
  readonly #user: TransactionUser;
  readonly #ctx: TransactionContext;
  readonly #clients = new Map<string, ClientTransaction>();
  readonly #servers = new Map<string, ServerTransaction>();
  /** Bytes of the stateless answers sent lately, by server transaction key, with when. */
  readonly #statelessSent = new Map<string, { readonly bytes: Buffer; readonly at: number }>();
  #closed = false;

  constructor(options: TransactionLayerOptions) {
    this.#transport = options.transport;
    this.#user = options.user;
    this.#ctx = {
      transport: options.transport,
      clock: options.clock ?? systemClock,
      timers: resolveTimers(options.timers),
      onTerminated: (t) => this.#forget(t),
    };
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  get serverCount(): number {
    return this.#servers.size;
  }

  #forget(t: TransactionBase<string>): void {
    if (this.#clients.get(t.key) === t) this.#clients.delete(t.key);
    if (this.#servers.get(t.key) === t) this.#servers.delete(t.key);
  }

  /** Feeds a parsed message received from `source`. */
  receive(message: SipMessage, source: Destination): void {
    if (this.#closed) return;
    if (message.isRequest) this.#receiveRequest(message, source);
    else this.#receiveResponse(message, source);
  }

  #receiveResponse(response: SipResponse, source: Destination): void {
    const key = clientKeyOfResponse(response);
    const txn = key === undefined ? undefined : this.#clients.get(key);
    if (txn) txn.receiveResponse(response);
    else this.#user.strayResponse?.(response, source);
  }

  /** The server transaction a request belongs to (§17.2.3). */
  #match(request: SipRequest, asMethod?: string): ServerTransaction | undefined {
    if (usesRfc3261Matching(request) || request.method !== 'ACK')
      return this.#servers.get(serverKey(request, asMethod));
    // RFC 2543 ACK: the INVITE had the same To tag (re-INVITE) or none, and
    // the ACK must carry the To tag of our final response
    const txn =
      this.#servers.get(serverKey(request)) ?? this.#servers.get(serverKey(request, undefined, ''));
    return txn !== undefined && txn.finalResponse?.to.tag === request.to.tag ? txn : undefined;
  }

  #receiveRequest(request: SipRequest, source: Destination): void {
    const txn = this.#match(request);
    if (txn) {
      const verdict =
        txn.kind === 'invite-server' ? txn.receiveRequest(request) : txn.receiveRequest(request);
      if (verdict === 'to_tu') this.#user.request(request, undefined, source);
      return;
    }
    if (request.method === 'ACK') {
      this.#user.request(request, undefined, source);
      return;
    }
    const key = serverKey(request);
    if (request.method !== 'CANCEL' && this.#user.statelessResponse) {
      const now = this.#ctx.clock.monotonic();
      const sent = this.#statelessSent.get(key);
      if (sent && now - sent.at < 64 * this.#ctx.timers.t1) {
        // a retransmission: the same answer, byte for byte
        this.#transport.send(parseMessage(sent.bytes) as SipResponse, source, () => undefined);
        return;
      }
      const stateless = this.#user.statelessResponse(request, source);
      if (stateless) {
        // §8.2.7: never a provisional response, never a retransmission of our own
        if (stateless.status < 200) throw new Error('a stateless response must be final');
        this.#transport.send(stateless, source, () => undefined);
        this.#statelessSent.delete(key);
        this.#statelessSent.set(key, { bytes: stateless.toBuffer(), at: now });
        if (this.#statelessSent.size > STATELESS_KEPT) this.#forgetOldestStateless();
        return;
      }
    }
    const created =
      request.method === 'INVITE'
        ? new InviteServerTransaction(key, request, source, this.#ctx)
        : new NonInviteServerTransaction(key, request, source, this.#ctx);
    this.#servers.set(key, created);
    if (created.kind === 'invite-server') created.start();
    this.#user.request(request, created, source);
  }

  /** Drops the oldest sixteenth in one pass (see NonceCountTracker: one at a time walks deleted slots). */
  #forgetOldestStateless(): void {
    let excess = this.#statelessSent.size - STATELESS_KEPT + (STATELESS_KEPT >> 4);
    for (const key of this.#statelessSent.keys()) {
      if (excess-- <= 0) break;
      this.#statelessSent.delete(key);
    }
  }

  /** The INVITE server transaction a received CANCEL refers to (RFC 3261 §9.2). */
  findCancelTarget(cancel: SipRequest): InviteServerTransaction | undefined {
    const txn = this.#match(cancel, 'INVITE');
    return txn?.kind === 'invite-server' ? txn : undefined;
  }

  /**
   * Starts a client transaction. A request without a Via gets one (sent-by
   * from the transport, a fresh branch, `rport`, RFC 3581 §3); a top Via
   * without an RFC 3261 branch gets a fresh branch.
   */
  sendRequest(
    request: SipRequest,
    destination: Destination,
    user: ClientTransactionUser,
  ): ClientTransaction {
    if (this.#closed) throw new Error('transaction layer is closed');
    if (request.method === 'ACK')
      throw new Error('ACK is not sent in a transaction; use sendStateless');
    const prepared = this.#withBranch(request, destination);
    const key = clientKey(prepared.topVia.branch ?? '', prepared.method);
    if (this.#clients.has(key)) throw new Error('branch already used by a live client transaction');
    const init = { key, request: prepared, destination, ctx: this.#ctx, user };
    const txn =
      prepared.method === 'INVITE'
        ? new InviteClientTransaction(init)
        : new NonInviteClientTransaction(init);
    this.#clients.set(key, txn);
    txn.start();
    return txn;
  }

  #withBranch(request: SipRequest, destination: Destination): SipRequest {
    const vias = request.header('via');
    const top = vias[0];
    if (top === undefined) {
      const { host, port } = this.#transport.sentBy(destination);
      const params = Params.empty.with('branch', newBranch()).with('rport', null);
      return request.prependHeader('via', new Via(destination.transport, host, port, params));
    }
    return top.hasRfc3261Branch
      ? request
      : request.withTopVia(top.withParam('branch', newBranch()));
  }

  /**
   * Cancels a pending INVITE (RFC 3261 §9.1): the CANCEL goes out in its own
   * transaction once a provisional response has arrived; nothing is sent if
   * the INVITE already has a final answer.
   */
  cancel(invite: InviteClientTransaction, user: ClientTransactionUser): void {
    invite.whenProceeding(() => {
      if (!this.#closed) this.sendRequest(createCancel(invite.request), invite.destination, user);
    });
  }

  /**
   * Sends outside any transaction: the ACK for a 2xx (RFC 3261 §13.2.2.4),
   * stateless forwarding. A request without a Via gets one with a fresh
   * branch; transport errors are ignored (nothing waits for an answer).
   */
  sendStateless(message: SipMessage, destination: Destination): void {
    const prepared =
      message.isRequest && !message.has('via') ? this.#withBranch(message, destination) : message;
    this.#transport.send(prepared, destination, () => undefined);
  }

  /** Ends every transaction and clears every timer. Idempotent. */
  close(): void {
    this.#closed = true;
    for (const t of [...this.#clients.values(), ...this.#servers.values()]) t.close();
    this.#clients.clear();
    this.#servers.clear();
    this.#statelessSent.clear();
  }
}
