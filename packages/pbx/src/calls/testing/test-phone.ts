/**
 * A scripted SIP phone on the in-memory network for B2BUA tests: places
 * calls (answering the 407 with digest credentials), and answers incoming
 * ones as told (ring then answer, busy, ring forever), answering BYE,
 * re-INVITE, UPDATE and CANCEL as a phone would. It also subscribes to
 * events (answering the 401) and answers NOTIFYs with `notifyAnswer`.
 */
import type { Clock } from '@palisade/common';
import { computeDigestResponse, computeHa1 } from '@palisade/security';
import {
  ContactAddr,
  Dialog,
  NameAddr,
  Params,
  TransactionLayer,
  Via,
  createRequest,
  createResponse,
  dialogIdOf,
  dialogKey,
  newBranch,
  newCallId,
  newTag,
  sipUri,
} from '@palisade/sip';
import type {
  Destination,
  ServerTransaction,
  SipRequest,
  SipResponse,
  TransportName,
} from '@palisade/sip';
import type { MemoryNetwork, MemoryTransport } from '@palisade/sip/testing';
import type { CallTarget } from '../call-ports.ts';

/** `early-reliable`: 183 with SDP sent reliably (RFC 3262), 200 once it is PRACKed. */
export type Behaviour = 'answer' | 'busy' | 'ring' | 'silent' | 'early-reliable';

export function audioSdp(host: string, port: number, formats = '0 8 101', extra = ''): string {
  return [
    'v=0',
    `o=- 1 1 IN IP4 ${host}`,
    's=-',
    `c=IN IP4 ${host}`,
    't=0 0',
    `m=audio ${port} RTP/AVP ${formats}`,
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:8 PCMA/8000',
    'a=rtpmap:101 telephone-event/8000',
    'a=fmtp:101 0-16',
    ...(extra ? [extra] : []),
    'a=sendrecv',
    '',
  ].join('\r\n');
}

export interface PlacedCall {
  readonly responses: SipResponse[];
  final: SipResponse | undefined;
  dialog: Dialog | undefined;
  invite: SipRequest;
  /** PRACKs sent for reliable provisionals, and the answers to them. */
  readonly pracks: SipRequest[];
  readonly prackAnswers: SipResponse[];
  /** The ACK sent for the 2xx. */
  ack: SipRequest | undefined;
}

export interface CallOptions {
  /** PRACK reliable provisionals (RFC 3262); default true when the INVITE names 100rel. */
  readonly prack?: boolean;
  /** After a late offer: our answer to the offer (in the PRACK or the ACK); undefined sends none. */
  readonly answer?: string;
}

export class TestPhone {
  readonly extension: string;
  readonly transport: MemoryTransport;
  readonly layer: TransactionLayer;
  readonly received: SipRequest[] = [];
  readonly dialogs = new Map<string, Dialog>();
  behaviour: Behaviour = 'answer';
  ringMs = 100;
  sdp: string;
  userId = '';
  registered = true;
  deviceId = '';
  /** What this phone answers to NOTIFYs in its subscriptions. */
  notifyAnswer = 200;
  readonly #clock: Clock;
  readonly #password: string;
  readonly #domain: string;
  readonly #server: Destination;
  readonly #pending = new Map<string, ServerTransaction>();
  #onPrack: (() => void) | undefined;

  constructor(
    net: MemoryNetwork,
    clock: Clock,
    init: {
      extension: string;
      host: string;
      domain: string;
      server: Destination;
      /** How the B2BUA reaches this phone (a WS phone is a browser to it); default TCP. */
      transport?: TransportName;
    },
  ) {
    this.extension = init.extension;
    this.#clock = clock;
    this.#password = `secret-${init.extension}`;
    this.#domain = init.domain;
    this.#server = init.server;
    this.transport = net.endpoint(init.host, 5060, init.transport ?? 'TCP');
    this.sdp = audioSdp(init.host, 4000);
    this.layer = new TransactionLayer({
      transport: this.transport,
      clock,
      user: { request: (r, t) => this.#request(r, t) },
    });
    this.transport.bind((m, s) => this.layer.receive(m, s));
  }

  /** Where the B2BUA reaches this phone (what a registration would say). */
  get target(): CallTarget {
    return {
      userId: this.userId,
      deviceId: this.deviceId,
      uri: sipUri({
        user: this.extension,
        host: this.transport.host,
        port: 5060,
        params: { transport: 'tcp' },
      }),
      destination: this.transport.destination,
    };
  }

  #contact(): ContactAddr {
    return new ContactAddr(
      undefined,
      sipUri({
        user: this.extension,
        host: this.transport.host,
        port: 5060,
        params: { transport: 'tcp' },
      }),
    );
  }

  /** A new dialog-creating request's From (with tag), To, Call-ID, and where its answers go. */
  #outgoing(
    number: string,
    domain: string,
  ): { from: NameAddr; to: NameAddr; callId: string; placed: PlacedCall } {
    return {
      from: new NameAddr(undefined, sipUri({ user: this.extension, host: this.#domain })).withTag(
        newTag(),
      ),
      to: new NameAddr(undefined, sipUri({ user: number, host: domain })),
      callId: newCallId(),
      placed: {
        responses: [],
        final: undefined,
        dialog: undefined,
        invite: undefined as unknown as SipRequest,
        pracks: [],
        prackAnswers: [],
        ack: undefined,
      },
    };
  }

  /** Places a call to `number`, answering one 407 with credentials. */
  call(
    number: string,
    sdp = this.sdp,
    password = this.#password,
    extra: [string, string][] = [],
    options: CallOptions = {},
  ): PlacedCall {
    const names100rel = extra.some(([, v]) => v.includes('100rel'));
    const prack = options.prack ?? names100rel;
    const rseqs = new Set<number>();
    let answered = false;
    const { from, to, callId, placed } = this.#outgoing(number, this.#domain);
    const send = (cseq: number, headers: [string, string][]): void => {
      const invite = createRequest({
        method: 'INVITE',
        uri: sipUri({ user: number, host: this.#domain }),
        from,
        to,
        callId,
        cseq,
        contact: [this.#contact()],
        headers: [
          ['Allow', 'INVITE, ACK, CANCEL, BYE, UPDATE, OPTIONS'],
          ['Supported', 'timer'],
          ...extra,
          ...headers,
        ],
        ...(sdp ? { body: Buffer.from(sdp), contentType: 'application/sdp' } : {}),
      });
      const txn = this.layer.sendRequest(invite, this.#server, {
        response: (r) => {
          placed.responses.push(r);
          if (r.status === 407 && cseq === 1) {
            send(2, [['Proxy-Authorization', this.#credentials(r, invite, password, number)]]);
            return;
          }
          if (r.status >= 200 && !placed.final) placed.final = r;
          const rseq = r.first('rseq');
          if (prack && r.status > 100 && r.status < 200 && rseq !== undefined && !rseqs.has(rseq)) {
            rseqs.add(rseq);
            const early = placed.dialog ?? Dialog.asUac(txn.request, r);
            placed.dialog = early;
            // after a late offer the first reliable 18x with SDP is the offer: answer it here
            const answer = !sdp && !answered && r.body.length > 0 ? options.answer : undefined;
            if (!sdp && r.body.length > 0) answered = true;
            const request = early
              .createRequest('PRACK', {
                ...(answer ? { body: Buffer.from(answer), contentType: 'application/sdp' } : {}),
              })
              .withHeader('rack', [{ rseq, cseq: invite.cseq.seq, method: 'INVITE' }]);
            placed.pracks.push(request);
            this.layer.sendRequest(request, this.#server, {
              response: (pr) => {
                if (pr.status >= 200) placed.prackAnswers.push(pr);
              },
            });
          }
          if (r.status >= 200 && r.status < 300) {
            const dialog = placed.dialog ?? Dialog.asUac(txn.request, r);
            dialog.confirm(r);
            placed.dialog = dialog;
            this.dialogs.set(dialogKey(dialog.id), dialog);
            const answer = !sdp && !answered ? options.answer : undefined;
            const ack = dialog.createAck(invite.cseq.seq, {
              ...(answer ? { body: Buffer.from(answer), contentType: 'application/sdp' } : {}),
            });
            placed.ack = ack;
            this.#ack(ack);
          }
        },
      });
      placed.invite = txn.request;
    };
    send(1, []);
    return placed;
  }

  /**
   * Places a SUBSCRIBE for `event` to `number` (at `domain`, ours by default),
   * answering one 401 with credentials; the 2xx makes the subscription's dialog.
   */
  subscribe(
    number: string,
    event: string,
    init: {
      readonly expires?: number;
      readonly accept?: string;
      readonly password?: string;
      readonly domain?: string;
      readonly username?: string;
    } = {},
  ): PlacedCall {
    const domain = init.domain ?? this.#domain;
    const { from, to, callId, placed } = this.#outgoing(number, domain);
    const send = (cseq: number, headers: [string, string][]): void => {
      const request = createRequest({
        method: 'SUBSCRIBE',
        uri: sipUri({ user: number, host: domain }),
        from,
        to,
        callId,
        cseq,
        contact: [this.#contact()],
        headers: [
          ['Event', event],
          ...(init.expires === undefined
            ? []
            : ([['Expires', String(init.expires)]] as [string, string][])),
          ...(init.accept === undefined ? [] : ([['Accept', init.accept]] as [string, string][])),
          ...headers,
        ],
      });
      const txn = this.layer.sendRequest(request, this.#server, {
        response: (r) => {
          placed.responses.push(r);
          if (r.status === 401 && cseq === 1) {
            const credentials = this.#credentials(
              r,
              request,
              init.password ?? this.#password,
              number,
              init.username,
              domain,
            );
            send(2, [['Authorization', credentials]]);
            return;
          }
          if (r.status >= 200 && !placed.final) placed.final = r;
          if (r.status >= 200 && r.status < 300 && !placed.dialog) {
            placed.dialog = Dialog.asUac(txn.request, r);
            this.dialogs.set(dialogKey(placed.dialog.id), placed.dialog);
          }
        },
      });
      placed.invite = txn.request;
    };
    send(1, []);
    return placed;
  }

  /** The NOTIFYs this phone received in one subscription's dialog (by its Call-ID). */
  notifies(placed: PlacedCall): SipRequest[] {
    return this.received.filter((r) => r.method === 'NOTIFY' && r.callId === placed.invite.callId);
  }

  #credentials(
    challenge: SipResponse,
    request: SipRequest,
    password: string,
    number: string,
    username = this.extension,
    domain = this.#domain,
  ): string {
    const c = challenge
      .header(challenge.status === 401 ? 'www-authenticate' : 'proxy-authenticate')
      .find((x) => x.kind === 'digest');
    if (!c || c.kind !== 'digest') throw new Error('no digest challenge');
    const algorithm = c.algorithm === 'SHA-256' ? 'SHA-256' : 'MD5';
    const uri = `sip:${number}@${domain}`;
    const ha1 = computeHa1(algorithm, username, c.realm, password);
    const response = computeDigestResponse({
      algorithm,
      ha1,
      nonce: c.nonce,
      method: request.method,
      uri,
      qop: { nc: '00000001', cnonce: 'c0ffee' },
    });
    return `Digest username="${username}", realm="${c.realm}", nonce="${c.nonce}", uri="${uri}", response="${response}", algorithm=${algorithm}, qop=auth, nc=00000001, cnonce="c0ffee"${c.opaque ? `, opaque="${c.opaque}"` : ''}`;
  }

  #ack(ack: SipRequest): void {
    this.layer.sendStateless(ack.prependHeader('via', this.#via()), this.#server);
  }

  #via(): Via {
    return new Via(
      this.transport.transport,
      this.transport.host,
      this.transport.port,
      Params.empty.with('branch', newBranch()),
    );
  }

  /** Cancels the call placed last (RFC 3261 §9.1). */
  cancel(placed: PlacedCall): void {
    const cancel = createRequest({
      method: 'CANCEL',
      uri: placed.invite.uri,
      from: placed.invite.from,
      to: placed.invite.to,
      callId: placed.invite.callId,
      cseq: placed.invite.cseq.seq,
      via: [placed.invite.topVia],
    });
    this.layer.sendRequest(cancel, this.#server, { response: () => undefined });
  }

  /** Sends an in-dialog request (BYE, re-INVITE, UPDATE); resolves with the final answer. */
  send(
    dialog: Dialog,
    method: string,
    sdp?: string,
    headers: [string, string][] = [],
    /** The answer our ACK carries (an INVITE without SDP gets an offer in its 2xx). */
    ackSdp?: string,
  ): Promise<SipResponse> {
    const request = dialog.createRequest(method, {
      contact: [this.#contact()],
      headers,
      ...(sdp ? { body: Buffer.from(sdp), contentType: 'application/sdp' } : {}),
    });
    return new Promise((resolve) => {
      this.layer.sendRequest(request, this.#server, {
        response: (r) => {
          if (r.status < 200) return;
          if (method === 'INVITE' && r.status < 300)
            this.#ack(
              dialog.createAck(request.cseq.seq, {
                ...(ackSdp ? { body: Buffer.from(ackSdp), contentType: 'application/sdp' } : {}),
              }),
            );
          if (method === 'BYE') dialog.terminate();
          resolve(r);
        },
      });
    });
  }

  /** The last request of `method` this phone received. */
  last(method: string): SipRequest | undefined {
    return this.received.filter((r) => r.method === method).at(-1);
  }

  count(method: string): number {
    return this.received.filter((r) => r.method === method).length;
  }

  get activeDialog(): Dialog | undefined {
    return [...this.dialogs.values()].find((d) => d.state === 'confirmed');
  }

  #request(request: SipRequest, txn: ServerTransaction | undefined): void {
    this.received.push(request);
    if (!txn) return;
    const reply = (status: number, body?: string): void => {
      const response = createResponse(request, status, {
        contact: [this.#contact()],
        headers: [['Allow', 'INVITE, ACK, CANCEL, BYE, UPDATE, OPTIONS']],
        ...(body ? { body: Buffer.from(body), contentType: 'application/sdp' } : {}),
      });
      txn.respond(response);
      if (
        status >= 200 &&
        status < 300 &&
        request.method === 'INVITE' &&
        request.to.tag === undefined
      ) {
        const dialog = Dialog.asUas(request, response);
        this.dialogs.set(dialogKey(dialog.id), dialog);
      }
    };
    const id = dialogIdOf(request);
    const dialog = id ? this.dialogs.get(dialogKey(id)) : undefined;
    if (request.method === 'CANCEL') {
      const invite = this.layer.findCancelTarget(request);
      reply(invite ? 200 : 481);
      if (invite && !invite.finalResponse) invite.respond(createResponse(invite.request, 487));
      return;
    }
    if (request.method === 'PRACK') {
      reply(200);
      this.#onPrack?.();
      this.#onPrack = undefined;
      return;
    }
    if (request.to.tag !== undefined) {
      if (!dialog) return reply(481);
      dialog.receiveRequest(request);
      if (request.method === 'NOTIFY') return reply(this.notifyAnswer);
      if (request.method === 'BYE') {
        dialog.terminate();
        return reply(200);
      }
      if (request.method === 'INVITE') return reply(200, this.sdp);
      if (request.method === 'UPDATE')
        return reply(200, request.body.length > 0 ? this.sdp : undefined);
      return reply(200);
    }
    if (request.method !== 'INVITE') return reply(405);
    // one To tag for the whole exchange
    const tag = newTag();
    const tagged = (status: number, body?: string): void => {
      const response = createResponse(request, status, {
        toTag: tag,
        contact: [this.#contact()],
        headers: [['Allow', 'INVITE, ACK, CANCEL, BYE, UPDATE, OPTIONS']],
        ...(body ? { body: Buffer.from(body), contentType: 'application/sdp' } : {}),
      });
      txn.respond(response);
      if (status >= 200 && status < 300) {
        const d = Dialog.asUas(request, response);
        this.dialogs.set(dialogKey(d.id), d);
      }
    };
    switch (this.behaviour) {
      case 'busy':
        return tagged(486);
      case 'silent':
        return;
      case 'ring':
        return tagged(180);
      case 'early-reliable': {
        const early = createResponse(request, 183, {
          toTag: tag,
          contact: [this.#contact()],
          headers: [['Require', '100rel']],
          body: Buffer.from(this.sdp),
          contentType: 'application/sdp',
        }).withHeader('rseq', [1]);
        txn.respond(early);
        this.#onPrack = () => {
          this.#clock.setTimeout(() => {
            if (!txn.finalResponse) tagged(200, this.sdp);
          }, this.ringMs);
        };
        return;
      }
      case 'answer':
        tagged(180);
        this.#clock.setTimeout(() => {
          if (!txn.finalResponse) tagged(200, this.sdp);
        }, this.ringMs);
        return;
    }
  }
}
