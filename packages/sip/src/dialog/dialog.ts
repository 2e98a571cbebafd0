/**
 * A dialog (RFC 3261 §12): its id, sequence numbers, route set and remote
 * target, created from either side of a dialog-creating exchange, able to
 * build the next in-dialog request (§12.2.1.1) and to check a received one
 * (§12.2.2).
 *
 *      1xx with To tag          2xx
 *   ----------------> Early ----------> Confirmed
 *   2xx                 |                   |
 *   ------------------------------------>   |
 *                       | non-2xx final     | BYE / end
 *                       V                   V
 *                    +--------------------------+
 *                    |        Terminated        |
 *                    +--------------------------+
 */
import { randomInt } from 'node:crypto';
import { PalisadeError } from '@palisade/common';
import { isWildcard } from '../headers/contact-header.ts';
import { NameAddr } from '../headers/name-addr.ts';
import { createRequest } from '../message/message-builders.ts';
import type { ExtraHeaders } from '../message/message-builders.ts';
import type { SipMessage, SipRequest, SipResponse } from '../message/sip-message.ts';
import type { Contact } from '../headers/contact-header.ts';
import { StateMachine } from '../transaction/state-machine.ts';
import type { TransitionTable } from '../transaction/state-machine.ts';
import type { SipUri, Uri } from '../uri/uri-types.ts';

export interface DialogId {
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
}

export type DialogState = 'early' | 'confirmed' | 'terminated';

export const DIALOG_TRANSITIONS: TransitionTable<DialogState> = {
  early: ['confirmed', 'terminated'],
  confirmed: ['terminated'],
  terminated: [],
};

/** Methods whose requests (and 2xx answers) may change the remote target (RFC 3261 §12.2, RFC 3311, RFC 6665). */
const TARGET_REFRESH = new Set(['INVITE', 'UPDATE', 'SUBSCRIBE', 'NOTIFY', 'REFER']);

/** One string per dialog id, for maps. */
export function dialogKey(id: DialogId): string {
  return `${id.callId}\u0000${id.localTag}\u0000${id.remoteTag}`;
}

/**
 * The id of the dialog a message belongs to, seen from our side: a request
 * we receive carries our tag in To; a response we receive carries it in From.
 */
export function dialogIdOf(message: SipMessage): DialogId | undefined {
  const local = message.isRequest ? message.to.tag : message.from.tag;
  const remote = message.isRequest ? message.from.tag : message.to.tag;
  if (local === undefined || remote === undefined) return undefined;
  return { callId: message.callId, localTag: local, remoteTag: remote };
}

function contactUri(message: SipMessage): Uri {
  const contact = message.first('contact');
  if (contact === undefined || isWildcard(contact))
    throw new PalisadeError('bad_request', 'a dialog needs a Contact');
  return contact.uri;
}

function isSecure(request: SipRequest): boolean {
  return request.uri.scheme === 'sips' && request.topVia.transport === 'TLS';
}

export interface DialogRequestInit {
  readonly contact?: readonly Contact[];
  readonly headers?: ExtraHeaders;
  readonly body?: Buffer;
  readonly contentType?: string;
}

export class Dialog {
  readonly id: DialogId;
  readonly secure: boolean;
  /** Our URI (From of our requests), without tag. */
  readonly localUri: NameAddr;
  readonly remoteUri: NameAddr;
  readonly #machine: StateMachine<DialogState>;
  #localSeq: number | undefined;
  #remoteSeq: number | undefined;
  #routeSet: readonly NameAddr[];
  #remoteTarget: Uri;

  private constructor(init: {
    id: DialogId;
    secure: boolean;
    localUri: NameAddr;
    remoteUri: NameAddr;
    localSeq: number | undefined;
    remoteSeq: number | undefined;
    routeSet: readonly NameAddr[];
    remoteTarget: Uri;
    state: 'early' | 'confirmed';
  }) {
    this.id = init.id;
    this.secure = init.secure;
    this.localUri = init.localUri;
    this.remoteUri = init.remoteUri;
    this.#localSeq = init.localSeq;
    this.#remoteSeq = init.remoteSeq;
    this.#routeSet = init.routeSet;
    this.#remoteTarget = init.remoteTarget;
    this.#machine = new StateMachine('dialog', init.state, DIALOG_TRANSITIONS);
  }

  /** The UAC side, from our request and a 101–299 response with a To tag (§12.1.2). */
  static asUac(request: SipRequest, response: SipResponse): Dialog {
    const remoteTag = response.to.tag;
    const localTag = request.from.tag;
    if (
      response.status <= 100 ||
      response.status >= 300 ||
      remoteTag === undefined ||
      localTag === undefined
    )
      throw new PalisadeError('bad_request', 'response does not create a dialog');
    return new Dialog({
      id: { callId: request.callId, localTag, remoteTag },
      secure: isSecure(request),
      localUri: new NameAddr(request.from.display, request.from.uri),
      remoteUri: new NameAddr(response.to.display, response.to.uri),
      localSeq: request.cseq.seq,
      remoteSeq: undefined,
      routeSet: [...response.header('record-route')].reverse(),
      remoteTarget: contactUri(response),
      state: response.status < 200 ? 'early' : 'confirmed',
    });
  }

  /** The UAS side, from the received request and our 101–299 response with a To tag (§12.1.1). */
  static asUas(request: SipRequest, response: SipResponse): Dialog {
    const localTag = response.to.tag;
    const remoteTag = request.from.tag;
    if (
      response.status <= 100 ||
      response.status >= 300 ||
      localTag === undefined ||
      remoteTag === undefined
    )
      throw new PalisadeError('bad_request', 'response does not create a dialog');
    return new Dialog({
      id: { callId: request.callId, localTag, remoteTag },
      secure: isSecure(request),
      localUri: new NameAddr(request.to.display, request.to.uri),
      remoteUri: new NameAddr(request.from.display, request.from.uri),
      localSeq: undefined,
      remoteSeq: request.cseq.seq,
      routeSet: request.header('record-route'),
      remoteTarget: contactUri(request),
      state: response.status < 200 ? 'early' : 'confirmed',
    });
  }

  get state(): DialogState {
    return this.#machine.state;
  }
  get localSeq(): number | undefined {
    return this.#localSeq;
  }
  get remoteSeq(): number | undefined {
    return this.#remoteSeq;
  }
  get routeSet(): readonly NameAddr[] {
    return this.#routeSet;
  }
  get remoteTarget(): Uri {
    return this.#remoteTarget;
  }

  /**
   * A 2xx for an early dialog (UAC side): confirmed, and the route set and
   * remote target recomputed from it (§13.2.2.4).
   */
  confirm(response: SipResponse): void {
    if (this.state === 'early') {
      this.#machine.transition('confirmed');
      this.#routeSet = [...response.header('record-route')].reverse();
    }
    if (response.has('contact')) this.#remoteTarget = contactUri(response);
  }

  /** A 2xx to a target refresh request we sent updates the remote target (§12.2.1.2). */
  receiveResponse(request: SipRequest, response: SipResponse): void {
    if (
      response.status >= 200 &&
      response.status < 300 &&
      TARGET_REFRESH.has(request.method) &&
      response.has('contact')
    )
      this.#remoteTarget = contactUri(response);
  }

  /**
   * Checks an in-dialog request (§12.2.2): one older than the last seen is
   * out of order (answer 500); a target refresh updates the remote target.
   */
  receiveRequest(request: SipRequest): 'ok' | 'out_of_order' {
    const seq = request.cseq.seq;
    if (request.method !== 'ACK' && request.method !== 'CANCEL') {
      if (this.#remoteSeq !== undefined && seq < this.#remoteSeq) return 'out_of_order';
      this.#remoteSeq = seq;
    }
    if (TARGET_REFRESH.has(request.method) && request.has('contact'))
      this.#remoteTarget = contactUri(request);
    return 'ok';
  }

  /** Builds the next in-dialog request (§12.2.1.1): new CSeq, tags, Request-URI and Route from the route set. */
  createRequest(method: string, init: DialogRequestInit = {}): SipRequest {
    if (method === 'ACK' || method === 'CANCEL')
      throw new Error(`${method} reuses a CSeq: use createAck`);
    this.#localSeq = (this.#localSeq ?? randomInt(1, 2 ** 30)) + 1;
    return this.#build(method, this.#localSeq, init);
  }

  /** The ACK for a 2xx to the INVITE with CSeq number `inviteSeq` (§13.2.2.4). */
  createAck(inviteSeq: number, init: DialogRequestInit = {}): SipRequest {
    return this.#build('ACK', inviteSeq, init);
  }

  #build(method: string, seq: number, init: DialogRequestInit): SipRequest {
    let uri = this.#remoteTarget;
    let route = this.#routeSet;
    const first = route[0];
    if (first && first.uri.kind === 'sip' && !first.uri.params.has('lr')) {
      // strict routing (§12.2.1.1): the first route becomes the Request-URI
      const strict: SipUri = first.uri;
      uri = { ...strict, params: strict.params.without('method'), headers: [] };
      route = [...route.slice(1), new NameAddr(undefined, this.#remoteTarget)];
    }
    return createRequest({
      method,
      uri,
      from: this.localUri.withTag(this.id.localTag),
      to: this.remoteUri.withTag(this.id.remoteTag),
      callId: this.id.callId,
      cseq: seq,
      route,
      ...init,
    });
  }

  terminate(): void {
    if (this.state !== 'terminated') this.#machine.transition('terminated');
  }
}
