import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { createResponse, parseMessage } from '@palisade/sip';
import type { Destination, SipMessage } from '@palisade/sip';
import { SipNodeTransport } from './sip-node-transport.ts';

const REGISTER = (via: string, extra = ''): string =>
  [
    'REGISTER sip:pbx.test SIP/2.0',
    `Via: ${via}`,
    'Max-Forwards: 70',
    'From: <sip:1000@pbx.test>;tag=a1',
    'To: <sip:1000@pbx.test>',
    'Call-ID: c1@test',
    'CSeq: 1 REGISTER',
    'Contact: <sip:1000@127.0.0.1:5099>',
    extra,
    'Content-Length: 0',
    '',
    '',
  ]
    .filter((l, i, all) => l !== '' || i >= all.length - 2)
    .join('\r\n');

/** A transport whose receiver answers every request 200 at once and records what it saw. */
function echoTransport(opts: Partial<ConstructorParameters<typeof SipNodeTransport>[0]> = {}) {
  const seen: { message: SipMessage; source: Destination }[] = [];
  const transport: SipNodeTransport = new SipNodeTransport({
    receive: (message, source) => {
      seen.push({ message, source });
      if (message.isRequest) transport.send(createResponse(message, 200), source, () => undefined);
    },
    ...opts,
  });
  return { transport, seen };
}

function udpExchange(port: number, text: string): Promise<string> {
  const client = createSocket('udp4');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.close();
      reject(new Error('no UDP answer'));
    }, 2000);
    client.on('message', (m) => {
      clearTimeout(timer);
      client.close();
      resolve(m.toString());
    });
    client.send(text, port, '127.0.0.1');
  });
}

function tcpSession(port: number): Promise<{
  send(t: string): void;
  read(pattern: RegExp): Promise<string>;
  end(): void;
  closed: Promise<unknown>;
}> {
  const socket = connect({ port, host: '127.0.0.1' });
  let buf = '';
  const waiters: (() => void)[] = [];
  socket.on('data', (d) => {
    buf += d.toString();
    for (const w of waiters.splice(0)) w();
  });
  const closed = once(socket, 'close');
  return once(socket, 'connect').then(() => ({
    send: (t: string) => socket.write(t),
    end: () => socket.destroy(),
    closed,
    read: (pattern: RegExp) =>
      new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no ${String(pattern)} in ${JSON.stringify(buf)}`)),
          2000,
        );
        const check = (): void => {
          const m = pattern.exec(buf);
          if (m) {
            clearTimeout(timer);
            buf = buf.slice(m.index + m[0].length);
            resolve(m[0]);
          } else waiters.push(check);
        };
        check();
      }),
  }));
}

describe('SipNodeTransport over UDP', () => {
  const { transport, seen } = echoTransport();
  let port = 0;
  before(async () => {
    [{ port }] = (await transport.listen([
      { transport: 'UDP', host: '127.0.0.1', port: 0 },
    ])) as unknown as [{ port: number }];
  });
  after(() => transport.close());

  it('stamps received and rport and answers to the source port (RFC 3581)', async () => {
    const answer = await udpExchange(
      port,
      REGISTER('SIP/2.0/UDP 10.9.9.9:5099;branch=z9hG4bKu1;rport'),
    );
    assert.match(answer, /^SIP\/2.0 200 OK/);
    const via = seen.at(-1)!.message.topVia;
    assert.equal(via.received, '127.0.0.1');
    assert.equal(typeof via.rport, 'number');
    assert.match(answer, /received=127\.0\.0\.1;rport=\d+|rport=\d+;received=127\.0\.0\.1/);
  });

  it('answers a malformed request 400 and stays up', async () => {
    const broken = REGISTER('SIP/2.0/UDP 127.0.0.1:5099;branch=z9hG4bKu2;rport').replace(
      'CSeq: 1 REGISTER',
      'CSeq: x REGISTER',
    );
    assert.match(await udpExchange(port, broken), /^SIP\/2.0 400 /);
    assert.match(
      await udpExchange(port, REGISTER('SIP/2.0/UDP 127.0.0.1:5099;branch=z9hG4bKu3;rport')),
      /^SIP\/2.0 200/,
    );
  });

  it('answers an oversized request 513', async () => {
    const big = REGISTER(
      'SIP/2.0/UDP 127.0.0.1:5099;branch=z9hG4bKu4;rport',
      `X-Pad: ${'a'.repeat(17_000)}`,
    );
    assert.match(await udpExchange(port, big), /^SIP\/2.0 513 /);
  });
});

describe('SipNodeTransport over TCP', () => {
  const { transport, seen } = echoTransport({ maxConnectionsPerSource: 2, idleTimeoutMs: 400 });
  let port = 0;
  before(async () => {
    [{ port }] = (await transport.listen([
      { transport: 'TCP', host: '127.0.0.1', port: 0 },
    ])) as unknown as [{ port: number }];
  });
  after(() => transport.close());

  it('frames messages, answers on the same connection and pongs a CRLFCRLF ping', async () => {
    const s = await tcpSession(port);
    const msg = REGISTER('SIP/2.0/TCP 127.0.0.1:5099;branch=z9hG4bKt1');
    // split in odd places, two messages and a ping in one stream
    s.send(msg.slice(0, 30));
    s.send(msg.slice(30) + '\r\n\r\n' + msg.replace('z9hG4bKt1', 'z9hG4bKt2'));
    assert.match(await s.read(/SIP\/2.0 200 OK[^]*?Content-Length: 0\r\n\r\n/), /branch=z9hG4bKt1/);
    await s.read(/^\r\n/);
    assert.match(await s.read(/SIP\/2.0 200 OK[^]*?Content-Length: 0\r\n\r\n/), /branch=z9hG4bKt2/);
    const source = seen.at(-1)!.source;
    assert.equal(source.reliable, true);
    assert.ok(source.connectionId);
    s.end();
  });

  it('closes a connection with broken framing after answering 400', async () => {
    const s = await tcpSession(port);
    s.send(
      REGISTER('SIP/2.0/TCP 127.0.0.1:5099;branch=z9hG4bKt3').replace('Content-Length: 0\r\n', ''),
    );
    await s.closed;
  });

  it('refuses connections past the per-source cap', async () => {
    const a = await tcpSession(port);
    const b = await tcpSession(port);
    const c = await tcpSession(port);
    await c.closed;
    a.end();
    b.end();
  });

  it('closes idle connections', async () => {
    while (transport.connectionCount > 0) await new Promise((r) => setTimeout(r, 20));
    const s = await tcpSession(port);
    s.send(REGISTER('SIP/2.0/TCP 127.0.0.1:5099;branch=z9hG4bKt9'));
    await s.read(/SIP\/2.0 200 OK/);
    assert.equal(transport.connectionCount, 1);
    await s.closed; // idleTimeoutMs is 400 ms
    while (transport.connectionCount > 0) await new Promise((r) => setTimeout(r, 20));
  });
});

describe('SipNodeTransport over WebSocket', () => {
  const closedConnections: Destination[] = [];
  const { transport, seen } = echoTransport({
    allowOrigin: (o) => o === undefined || o === 'https://pbx.test',
    onConnectionClosed: (source) => closedConnections.push(source),
  });
  const http = createHttpServer();
  let port = 0;
  before(async () => {
    http.on('upgrade', (req, socket, head) => transport.handleUpgrade(req, socket, head, false));
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    port = (http.address() as { port: number }).port;
  });
  after(async () => {
    await transport.close();
    http.close();
  });

  const open = (headers: Record<string, string>, protocol = 'sip') =>
    new WebSocket(`ws://127.0.0.1:${port}/sip`, protocol, { headers });

  it('carries one SIP message per frame with the sip subprotocol', async () => {
    const ws = open({ Origin: 'https://pbx.test' });
    await once(ws, 'open');
    assert.equal(ws.protocol, 'sip');
    ws.send(REGISTER('SIP/2.0/WSS abc.invalid;branch=z9hG4bKw1'));
    const [data] = (await once(ws, 'message')) as [Buffer];
    const response = parseMessage(Buffer.from(data));
    assert.equal(response.isRequest ? 0 : response.status, 200);
    assert.equal(response.topVia.received, '127.0.0.1');
    ws.close();
  });

  it('tells once that a connection closed, naming it as its messages were sourced', async () => {
    const ws = open({ Origin: 'https://pbx.test' });
    await once(ws, 'open');
    ws.send(REGISTER('SIP/2.0/WS abc.invalid;branch=z9hG4bKw2'));
    await once(ws, 'message');
    const source = seen.at(-1)?.source;
    assert.ok(source?.connectionId?.startsWith('ws:'));
    const before = closedConnections.length;
    ws.close();
    await once(ws, 'close');
    for (let i = 0; i < 50 && closedConnections.length === before; i++)
      await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(closedConnections.slice(before), [source]);
  });

  it('refuses a foreign Origin with 403 and a missing subprotocol with 400', async () => {
    const foreign = open({ Origin: 'https://evil.example' });
    const [, res403] = (await once(foreign, 'unexpected-response')) as unknown as [
      unknown,
      { statusCode: number },
    ];
    assert.equal(res403.statusCode, 403);
    const wrong = open({}, 'chat');
    const [, res400] = (await once(wrong, 'unexpected-response')) as unknown as [
      unknown,
      { statusCode: number },
    ];
    assert.equal(res400.statusCode, 400);
  });
});

describe('SipNodeTransport over IPv6', () => {
  const { transport, seen } = echoTransport();
  after(() => transport.close());

  it('listens on ::1 over UDP and TCP and stamps an IPv6 received', async () => {
    const bound = await transport.listen([
      { transport: 'UDP', host: '::1', port: 0 },
      { transport: 'TCP', host: '::1', port: 0 },
    ]);
    const udpPort = bound[0]!.port;
    const client = createSocket('udp6');
    const answer = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer')), 2000);
      client.on('message', (m) => {
        clearTimeout(timer);
        resolve(m.toString());
      });
      client.send(REGISTER('SIP/2.0/UDP [::1]:5099;branch=z9hG4bK6a;rport'), udpPort, '::1');
    });
    client.close();
    assert.match(answer, /^SIP\/2.0 200 OK/);
    assert.equal(seen.at(-1)?.message.topVia.received, '::1');
    const tcp = connect({ host: '::1', port: bound[1]!.port });
    await once(tcp, 'connect');
    tcp.write(REGISTER('SIP/2.0/TCP [::1]:5099;branch=z9hG4bK6b'));
    const [data] = (await once(tcp, 'data')) as [Buffer];
    assert.match(data.toString(), /^SIP\/2.0 200 OK/);
    tcp.destroy();
  });
});
