/**
 * A slow-client attack (slowhttptest, slowloris mode, bounded: 200
 * connections, 20 s) against the HTTPS port while a legitimate client on
 * 127.0.0.3 keeps asking: every legitimate request must succeed. The
 * per-source connection cap keeps the attacker to a few connections, the
 * header timeout closes them, and repeated slow clients get a ban.
 *
 * slowhttptest cannot choose its source address, so here the attacker is
 * 127.0.0.1 (the kernel's choice on loopback), not 127.0.0.2.
 */
import assert from 'node:assert/strict';
import type { TcpNetConnectOpts } from 'node:net';
import { connect, type ConnectionOptions } from 'node:tls';
import { after, before, test } from 'node:test';
import { debianPeer } from '../../support/debian.ts';
import { startPeer } from '../../support/process.ts';
import { LEGITIMATE, newDataDir, removeDataDir, startIdsPalisade } from './ids-fixtures.ts';
import type { IdsPalisade } from './ids-fixtures.ts';

const slow = debianPeer('slowhttptest', 'slowhttptest');
let p: IdsPalisade;
let dir: string;

before(async () => {
  if (slow.skip) return;
  dir = newDataDir();
  // short header timeout so the test sees several slow clients within its bound
  p = await startIdsPalisade(dir, {
    PALISADE_HTTP_HEADERS_TIMEOUT_MS: '2000',
    PALISADE_IDS_HTTP_MAX_CONNECTIONS_PER_SOURCE: '32',
  });
});
after(async () => {
  await p?.stop();
  if (dir) removeDataDir(dir);
});

/** A TLS connection from 127.0.0.4 that sends `data` (maybe nothing) and waits for the server to close it. */
function heldOpen(data: string): Promise<void> {
  return new Promise((resolve) => {
    const options: ConnectionOptions & TcpNetConnectOpts = {
      host: '127.0.0.1',
      port: p.server.httpsPort,
      localAddress: '127.0.0.4',
      ca: p.ca,
      servername: 'localhost',
    };
    const socket = connect(options);
    const timer = setTimeout(() => socket.destroy(), 15_000);
    socket.once('secureConnect', () => {
      if (data !== '') socket.write(data);
    });
    socket.on('data', () => undefined);
    socket.once('error', () => undefined);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

test(
  "an idle connection (a browser's unused preconnect) is closed but not counted; a partial request is",
  { skip: slow.skip },
  async () => {
    const m = p.server.ids!.metrics;
    const slowClients = () => m.get('palisade_ids_events_total', { kind: 'slow-client' });
    const before_ = slowClients();
    await Promise.all([heldOpen(''), heldOpen(''), heldOpen('')]);
    assert.equal(slowClients(), before_, 'idle connections are not slow clients');
    await heldOpen('GET /healthz HTTP/1.1\r\nHost: localhost\r\n');
    assert.equal(slowClients(), before_ + 1, 'a request that never ends its headers is');
  },
);

test(
  'slowhttptest from 127.0.0.1 does not stop a legitimate client on 127.0.0.3',
  { skip: slow.skip },
  async () => {
    const attack = startPeer(
      slow.path!,
      [
        '-H',
        '-c',
        '200',
        '-r',
        '2',
        '-i',
        '5',
        '-x',
        '24',
        '-p',
        '3',
        '-l',
        '20',
        '-u',
        `https://127.0.0.1:${p.server.httpsPort}/healthz`,
      ],
      { maxMs: 40_000 },
    );
    const legit = p.clientFrom(LEGITIMATE);
    const statuses: number[] = [];
    const until = Date.now() + 16_000;
    // give the attack a head start, then keep asking (bounded: about 15 s)
    await new Promise((r) => setTimeout(r, 2000));
    while (Date.now() < until) {
      const r = await legit.call('GET', '/healthz').catch(() => ({ status: 0 }));
      statuses.push(r.status);
      // One TLS connection per request: stay under the handshake-flood rule (31 in 10 s)
      // that a browser keeping its connection alive never comes near.
      await new Promise((r2) => setTimeout(r2, 450));
    }
    await attack.stop('SIGINT').catch(() => undefined);
    assert.ok(statuses.length >= 20, `${statuses.length} requests`);
    assert.ok(
      statuses.every((s) => s === 200),
      statuses.join(),
    );
    const m = p.server.ids!.metrics;
    const slowReports = m.get('palisade_ids_events_total', { kind: 'slow-client' });
    assert.ok(
      slowReports >= 5,
      `${slowReports} slow clients
${attack.output().slice(-1500)}`,
    );
    const ban = (await p.server.ids?.bans.active())?.find((b) => b.address === '127.0.0.1');
    assert.equal(ban?.rule, 'slow-client');
  },
);
