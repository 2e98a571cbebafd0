/**
 * Bench clients that hold one TLS or WSS connection each and register over
 * it with MD5 digest (the realm's users have the secret `pw<user>`).
 */
import { once } from 'node:events';
import { connect, type TLSSocket } from 'node:tls';
import { WebSocket, type ClientOptions } from 'ws';
import { SipStreamFramer, type SipResponse } from '@palisade/sip';
import { answerChallenge, parseResponse, registerText } from '../support/sip-test-client.ts';

export interface HeldClient {
  register(): Promise<number>;
  close(): void;
}

interface Wire {
  send(text: string): void;
  next(): Promise<SipResponse>;
  close(): void;
}

async function tlsWire(port: number, ca: string): Promise<Wire> {
  const socket: TLSSocket = connect({
    host: '127.0.0.1',
    port,
    ca,
    checkServerIdentity: () => undefined,
  });
  await once(socket, 'secureConnect');
  const framer = new SipStreamFramer({ role: 'client' });
  const queue: SipResponse[] = [];
  const waiters: ((r: SipResponse) => void)[] = [];
  socket.on('data', (chunk: Buffer) => {
    for (const e of framer.push(chunk))
      if (e.type === 'message' && !e.message.isRequest) {
        const w = waiters.shift();
        if (w) w(e.message);
        else queue.push(e.message);
      }
  });
  socket.on('error', () => undefined);
  return {
    send: (t) => socket.write(t),
    next: () =>
      new Promise((resolve) =>
        queue.length > 0 ? resolve(queue.shift()!) : waiters.push(resolve),
      ),
    close: () => socket.destroy(),
  };
}

async function wsWire(httpsPort: number, ca: string): Promise<Wire> {
  const ws = new WebSocket(`wss://127.0.0.1:${httpsPort}/sip`, 'sip', {
    ca,
    checkServerIdentity: () => undefined,
  } as unknown as ClientOptions);
  await once(ws, 'open');
  const queue: SipResponse[] = [];
  const waiters: ((r: SipResponse) => void)[] = [];
  ws.on('message', (data: Buffer) => {
    const r = parseResponse(data);
    const w = waiters.shift();
    if (w) w(r);
    else queue.push(r);
  });
  ws.on('error', () => undefined);
  return {
    send: (t) => ws.send(t),
    next: () =>
      new Promise((resolve) =>
        queue.length > 0 ? resolve(queue.shift()!) : waiters.push(resolve),
      ),
    close: () => ws.terminate(),
  };
}

export async function heldClient(opts: {
  kind: 'TLS' | 'WSS';
  user: string;
  realm: string;
  port: number;
  ca: string;
}): Promise<HeldClient> {
  const wire =
    opts.kind === 'TLS' ? await tlsWire(opts.port, opts.ca) : await wsWire(opts.port, opts.ca);
  let cseq = 0;
  const base = {
    user: opts.user,
    domain: opts.realm,
    transport: opts.kind,
    viaHost: opts.kind === 'TLS' ? '127.0.0.1:5999' : `${opts.user}.invalid`,
    contact: `<sip:${opts.user}@${opts.kind === 'TLS' ? '127.0.0.1:5999;transport=tls' : `${opts.user}.invalid;transport=ws`}>`,
    callId: `bench-${opts.kind}-${opts.user}`,
    expires: 300,
  };
  return {
    async register() {
      wire.send(registerText({ ...base, cseq: ++cseq }));
      const challenge = await wire.next();
      if (challenge.status !== 401) return challenge.status;
      const authorization = answerChallenge(challenge, {
        user: opts.user,
        password: `pw${opts.user}`,
        uri: `sip:${opts.realm}`,
        algorithm: 'MD5',
      });
      wire.send(registerText({ ...base, cseq: ++cseq, authorization }));
      return (await wire.next()).status;
    },
    close: () => wire.close(),
  };
}
