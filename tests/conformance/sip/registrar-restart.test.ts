/**
 * Write-through registrations survive a crash: a device registers over UDP
 * with a real server process (`palisade start`), the process is killed with
 * SIGKILL right after the 200 OK, and after a restart on the same data dir
 * the binding is still listed (CLI and API) and answered for.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, test } from 'node:test';
import { httpsClient } from '../../support/https-client.ts';
import { loopbackServerEnv } from '../../support/ports.ts';
import { startPeer, type RunningPeer } from '../../support/process.ts';
import { answerChallenge, parseResponse, registerText } from '../../support/sip-test-client.ts';

const run = promisify(execFile);
const BIN = new URL('../../../apps/server/src/bin/palisade.ts', import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'palisade-restart-'));
const servers: RunningPeer[] = [];

after(async () => {
  for (const s of servers) await s.stop('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function env(): Promise<NodeJS.ProcessEnv> {
  return {
    ...process.env,
    ...(await loopbackServerEnv(dataDir, 'pbx.test')),
    PALISADE_LOG_LEVEL: 'info',
  };
}

async function cli(e: NodeJS.ProcessEnv, ...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [BIN, ...args], { env: e, timeout: 60_000 });
  return stdout;
}

async function start(e: NodeJS.ProcessEnv): Promise<RunningPeer> {
  const server = startPeer(process.execPath, [BIN, 'start'], { env: e, maxMs: 120_000 });
  servers.push(server);
  await server.waitFor(/palisade started/, 30_000);
  return server;
}

function udpRequest(port: number, text: string): Promise<Buffer> {
  const socket = createSocket('udp4');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('no answer over UDP'));
    }, 5000);
    socket.once('message', (m) => {
      clearTimeout(timer);
      socket.close();
      resolve(m);
    });
    socket.send(text, port, '127.0.0.1');
  });
}

test('a binding acknowledged before kill -9 is listed and answered for after the restart', async () => {
  const e = await env();
  await cli(e, 'user add', '--username', 'alice', '--extension', '4000', '--name', 'Alice Example');
  const added = await cli(e, 'device add', '--user', 'alice', '--sip-username', '4000');
  const secret = /SIP password: (\S+)/.exec(added)?.[1];
  assert.ok(secret, added);
  const token = (
    await cli(e, 'token', 'create', '--name', 'reg', '--scopes', 'registrations:view')
  ).trim();

  const first = await start(e);
  const port = Number(e.PALISADE_SIP_UDP_PORT);
  const base = {
    user: '4000',
    domain: 'pbx.test',
    transport: 'UDP',
    viaHost: '127.0.0.1:5999',
    contact: '<sip:4000@127.0.0.1:5999>',
    callId: 'restart-1',
  };
  const challenge = parseResponse(await udpRequest(port, registerText({ ...base, cseq: 1 })));
  assert.equal(challenge.status, 401);
  const authorization = answerChallenge(challenge, {
    user: '4000',
    password: secret,
    uri: 'sip:pbx.test',
    algorithm: 'SHA-256',
  });
  const ok = parseResponse(
    await udpRequest(port, registerText({ ...base, cseq: 2, authorization })),
  );
  assert.equal(ok.status, 200);
  first.child.kill('SIGKILL');
  await first.exited();

  const second = await start(e);
  assert.match(second.output(), /"bindingsLoaded":1/);
  const listed = await cli(e, 'registrations', 'list');
  assert.match(
    listed,
    /sip:4000@pbx\.test\tsip:4000@127\.0\.0\.1:5999\tUDP\t127\.0\.0\.1:\d+\t\d+s\tpalisade-test-client/,
  );

  const ca = readFileSync(join(dataDir, 'tls', 'server.crt'), 'utf8');
  const api = httpsClient(`https://127.0.0.1:${e.PALISADE_HTTP_PORT}`, ca);
  const r = await api.call('GET', '/api/v1/registrations', {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(r.status, 200);
  assert.deepEqual(
    r.json<{ contact: string }[]>().map((b) => b.contact),
    ['sip:4000@127.0.0.1:5999'],
  );
  // and the registrar still knows it: a refresh with a new nonce is a refresh, not a new registration
  const again = parseResponse(await udpRequest(port, registerText({ ...base, cseq: 3 })));
  assert.equal(again.status, 401);
  const refresh = parseResponse(
    await udpRequest(
      port,
      registerText({
        ...base,
        cseq: 4,
        contact: '<sip:4000@127.0.0.1:6000>',
        authorization: answerChallenge(again, {
          user: '4000',
          password: secret,
          uri: 'sip:pbx.test',
          algorithm: 'MD5',
        }),
      }),
    ),
  );
  assert.equal(refresh.status, 200);
  const contacts = [...refresh.raw('contact')].sort();
  assert.equal(contacts.length, 2);
  assert.match(contacts[0] ?? '', /^<sip:4000@127\.0\.0\.1:5999>;expires=\d+$/);
  assert.equal(contacts[1], '<sip:4000@127.0.0.1:6000>;expires=600');
  await second.stop('SIGTERM');
});
