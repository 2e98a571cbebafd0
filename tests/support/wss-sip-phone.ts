/**
 * The SIP half of a browser softphone, for tests: SIP over secure
 * WebSocket (RFC 7118, subprotocol `sip`) the way a JavaScript SIP stack in
 * a browser speaks it: REGISTER with Contact `;transport=ws` on a `.invalid`
 * host, INVITE with a UDP/TLS/RTP/SAVPF offer answering the 407, ACK, BYE;
 * incoming INVITEs over the registered connection get 180 and a 200 with
 * the answer; SUBSCRIBE answering the 401, NOTIFYs answered 200 and kept.
 * The media half is the caller's (a real RTCPeerConnection).
 * Messages are written as text here, not built by Palisade's own SIP code.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { WebSocket, type ClientOptions } from 'ws';
import { parseMessage, type SipRequest, type SipResponse } from '@palisade/sip';
import { answerChallenge, registerText } from './sip-test-client.ts';

const hex = (n: number): string => randomBytes(n).toString('hex');

/** A plain PCMU offer, for calls whose media does not matter (busy, refused). */
export const PLAIN_OFFER = [
  'v=0',
  'o=- 1 1 IN IP4 127.0.0.1',
  's=-',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'm=audio 40000 RTP/AVP 0',
  'a=rtpmap:0 PCMU/8000',
  'a=sendrecv',
  '',
].join('\r\n');

interface DialogState {
  readonly callId: string;
  /** The From and To header values of requests we send in the dialog (tags included). */
  readonly from: string;
  readonly to: string;
  readonly target: string;
  cseq: number;
}

export interface IncomingCall {
  readonly offer: string;
  /** Sends 180, then 200 with `sdp`; resolves when the ACK arrives. */
  answer(sdp: string): Promise<void>;
}

export class WssSipPhone {
  readonly #ws: WebSocket;
  readonly #user: string;
  readonly #password: string;
  readonly #domain: string;
  readonly #host = `${hex(6)}.invalid`;
  readonly #waiting = new Map<string, (r: SipResponse) => void>();
  readonly #incoming: ((c: IncomingCall) => void)[] = [];
  readonly #acks = new Map<string, () => void>();
  #dialog: DialogState | undefined;
  #byeReceived: () => void = () => undefined;
  /** Resolves when the other side sends BYE. */
  readonly hungUp: Promise<void>;
  /** Every request the server sent us, by method. */
  readonly received: string[] = [];
  /** The NOTIFYs the server sent us, in order. */
  readonly notifies: SipRequest[] = [];

  private constructor(ws: WebSocket, opts: { user: string; password: string; domain: string }) {
    this.#ws = ws;
    this.#user = opts.user;
    this.#password = opts.password;
    this.#domain = opts.domain;
    this.hungUp = new Promise((r) => (this.#byeReceived = r));
    ws.on('message', (data: Buffer) => this.#receive(data));
  }

  static async connect(
    url: string,
    opts: { ca: string; servername: string; user: string; password: string; domain: string },
  ): Promise<WssSipPhone> {
    const ws = new WebSocket(url, 'sip', {
      ca: opts.ca,
      servername: opts.servername,
    } as ClientOptions);
    await once(ws, 'open');
    return new WssSipPhone(ws, opts);
  }

  get #contact(): string {
    return `<sip:${this.#user}@${this.#host};transport=ws;ob>`;
  }

  #via(branch = `z9hG4bK${hex(8)}`): string {
    return `Via: SIP/2.0/WSS ${this.#host};branch=${branch};rport`;
  }

  async register(): Promise<void> {
    const base = {
      user: this.#user,
      domain: this.#domain,
      transport: 'WSS',
      viaHost: this.#host,
      contact: `${this.#contact};+sip.instance="<urn:uuid:${hex(16)}>";reg-id=1`,
      callId: hex(10),
    };
    const challenge = await this.#send(registerText({ ...base, cseq: 1 }));
    const authorization = answerChallenge(challenge, {
      user: this.#user,
      password: this.#password,
      uri: `sip:${this.#domain}`,
      algorithm: 'MD5',
    });
    const ok = await this.#send(
      registerText({
        ...base,
        cseq: 2,
        authorization,
        extraHeaders: ['Supported: path, outbound'],
      }),
    );
    if (ok.status !== 200) throw new Error(`REGISTER got ${String(ok.status)}`);
  }

  /** Calls `number` with `offer`; resolves with the 200's SDP once ACKed. */
  async call(number: string, offer: string): Promise<{ answer: string; provisional: number[] }> {
    const callId = hex(10);
    const from = `<sip:${this.#user}@${this.#domain}>;tag=${hex(4)}`;
    const to = `<sip:${number}@${this.#domain}>`;
    const uri = `sip:${number}@${this.#domain}`;
    const provisional: number[] = [];
    const invite = (cseq: number, branch: string, auth?: string): string =>
      this.#request('INVITE', uri, {
        via: this.#via(branch),
        from,
        to,
        callId,
        cseq,
        headers: auth ? [`Proxy-Authorization: ${auth}`] : [],
        sdp: offer,
      });
    const firstBranch = `z9hG4bK${hex(8)}`;
    const challenge = await this.#send(invite(1, firstBranch), provisional);
    if (challenge.status !== 407)
      throw new Error(`INVITE got ${String(challenge.status)}, not 407`);
    // RFC 3261 §17.1.1.3: the ACK of a non-2xx final is part of the INVITE transaction
    this.#ws.send(
      this.#request('ACK', uri, {
        via: this.#via(firstBranch),
        from,
        to: challenge.raw('to')[0] ?? to,
        callId,
        cseq: 1,
      }),
    );
    const auth = answerChallenge(challenge, {
      user: this.#user,
      password: this.#password,
      uri,
      algorithm: 'MD5',
      method: 'INVITE',
    });
    const ok = await this.#send(invite(2, `z9hG4bK${hex(8)}`, auth), provisional);
    if (ok.status !== 200) throw new Error(`INVITE got ${String(ok.status)}`);
    const dialog: DialogState = {
      callId,
      from,
      to: ok.raw('to')[0] ?? to,
      target: contactUri(ok),
      cseq: 2,
    };
    this.#dialog = dialog;
    this.#ws.send(
      this.#request('ACK', dialog.target, {
        via: this.#via(),
        from,
        to: dialog.to,
        callId,
        cseq: 2,
      }),
    );
    return { answer: ok.body.toString('utf8'), provisional };
  }

  /** Subscribes to `event` of `number` (answering the 401); resolves with the final answer. */
  async subscribe(number: string, event: string, expires = 600): Promise<SipResponse> {
    const callId = hex(10);
    const from = `<sip:${this.#user}@${this.#domain}>;tag=${hex(4)}`;
    const uri = `sip:${number}@${this.#domain}`;
    const subscribe = (cseq: number, auth?: string): string =>
      this.#request('SUBSCRIBE', uri, {
        via: this.#via(),
        from,
        to: `<${uri}>`,
        callId,
        cseq,
        headers: [
          `Event: ${event}`,
          `Expires: ${String(expires)}`,
          ...(auth ? [`Authorization: ${auth}`] : []),
        ],
      });
    const challenge = await this.#send(subscribe(1));
    if (challenge.status !== 401) return challenge;
    const auth = answerChallenge(challenge, {
      user: this.#user,
      password: this.#password,
      uri,
      algorithm: 'MD5',
      method: 'SUBSCRIBE',
    });
    return this.#send(subscribe(2, auth));
  }

  /** The next INVITE the server sends us. */
  incoming(): Promise<IncomingCall> {
    return new Promise((resolve) => this.#incoming.push(resolve));
  }

  /** Hangs up the current call; resolves with the BYE's final status. */
  async bye(): Promise<number> {
    const d = this.#dialog;
    if (!d) throw new Error('no call to hang up');
    d.cseq += 1;
    const r = await this.#send(
      this.#request('BYE', d.target, {
        via: this.#via(),
        from: d.from,
        to: d.to,
        callId: d.callId,
        cseq: d.cseq,
      }),
    );
    this.#dialog = undefined;
    return r.status;
  }

  /** Drops the connection at once (a closing handshake with a stopped server would wait 30 s). */
  close(): void {
    this.#ws.terminate();
  }

  #request(
    method: string,
    uri: string,
    h: {
      via: string;
      from: string;
      to: string;
      callId: string;
      cseq: number;
      headers?: string[];
      sdp?: string;
    },
  ): string {
    const body = h.sdp ?? '';
    return [
      `${method} ${uri} SIP/2.0`,
      h.via,
      'Max-Forwards: 70',
      `From: ${h.from}`,
      `To: ${h.to}`,
      `Call-ID: ${h.callId}`,
      `CSeq: ${String(h.cseq)} ${method}`,
      ...(method === 'ACK' || method === 'BYE' ? [] : [`Contact: ${this.#contact}`]),
      'Allow: INVITE,ACK,CANCEL,BYE,UPDATE,OPTIONS,NOTIFY,INFO,REFER',
      'Supported: outbound',
      'User-Agent: palisade-test-browser',
      ...(h.headers ?? []),
      ...(body ? ['Content-Type: application/sdp'] : []),
      `Content-Length: ${String(Buffer.byteLength(body))}`,
      '',
      body,
    ].join('\r\n');
  }

  /** Sends a request; resolves with its final response (1xx statuses go into `provisional`). */
  #send(text: string, provisional: number[] = []): Promise<SipResponse> {
    const m = parseMessage(Buffer.from(text));
    const key = `${m.callId} ${String(m.cseq.seq)} ${m.cseq.method}`;
    return new Promise((resolve) => {
      this.#waiting.set(key, (r) => {
        if (r.status < 200) {
          provisional.push(r.status);
          return;
        }
        this.#waiting.delete(key);
        resolve(r);
      });
      this.#ws.send(text);
    });
  }

  #receive(data: Buffer): void {
    const m = parseMessage(data);
    if (!m.isRequest) {
      this.#waiting.get(`${m.callId} ${String(m.cseq.seq)} ${m.cseq.method}`)?.(m);
      return;
    }
    this.received.push(m.method);
    if (m.method === 'NOTIFY') this.notifies.push(m);
    switch (m.method) {
      case 'INVITE':
        if (m.to.tag !== undefined) return this.#respond(m, 200); // a refresh: our SDP stands
        return this.#offered(m);
      case 'ACK':
        this.#acks.get(m.callId)?.();
        return;
      case 'BYE':
        this.#dialog = undefined;
        this.#respond(m, 200);
        this.#byeReceived();
        return;
      default:
        this.#respond(m, 200);
    }
  }

  #offered(invite: SipRequest): void {
    const tag = hex(4);
    const next = this.#incoming.shift();
    if (!next) return this.#respond(invite, 486, tag);
    next({
      offer: invite.body.toString('utf8'),
      answer: async (sdp) => {
        this.#respond(invite, 180, tag);
        const acked = new Promise<void>((r) => this.#acks.set(invite.callId, r));
        this.#respond(invite, 200, tag, sdp);
        await acked;
        this.#dialog = {
          callId: invite.callId,
          from: `${invite.raw('to')[0] ?? ''};tag=${tag}`,
          to: invite.raw('from')[0] ?? '',
          target: contactUri(invite),
          cseq: 1,
        };
      },
    });
  }

  #respond(request: SipRequest, status: number, tag?: string, sdp?: string): void {
    const to = request.raw('to')[0] ?? '';
    const body = sdp ?? '';
    const reason = status === 200 ? 'OK' : status === 180 ? 'Ringing' : 'Busy Here';
    this.#ws.send(
      [
        `SIP/2.0 ${String(status)} ${reason}`,
        ...request.raw('via').map((v) => `Via: ${v}`),
        `From: ${request.raw('from')[0] ?? ''}`,
        `To: ${to}${tag && request.to.tag === undefined ? `;tag=${tag}` : ''}`,
        `Call-ID: ${request.callId}`,
        `CSeq: ${request.raw('cseq')[0] ?? ''}`,
        `Contact: ${this.#contact}`,
        ...(body ? ['Content-Type: application/sdp'] : []),
        `Content-Length: ${String(Buffer.byteLength(body))}`,
        '',
        body,
      ].join('\r\n'),
    );
  }
}

/** The URI inside the first Contact of a message. */
function contactUri(m: SipRequest | SipResponse): string {
  const raw = m.raw('contact')[0] ?? '';
  return /<([^>]+)>/.exec(raw)?.[1] ?? raw;
}
