/**
 * The `palisade` command as an administrator types it: the server process
 * (start, status, graceful stop on SIGTERM, refusal of a bad configuration)
 * and the admin commands against the same data directory.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { freeSipPort, freeTcpPort } from '../../support/ports.ts';
import { startPeer } from '../../support/process.ts';
import { httpsClient } from '../../support/https-client.ts';

const BIN = new URL('../../../apps/server/src/bin/palisade.ts', import.meta.url).pathname;
let dataDir: string;
let env: NodeJS.ProcessEnv;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'palisade-cli-'));
  env = {
    ...process.env,
    PALISADE_DATA_DIR: dataDir,
    PALISADE_HTTP_BIND: '127.0.0.1',
    PALISADE_IDS_TRUSTED_NETWORKS: '127.0.0.1/32',
    PALISADE_HTTP_PORT: String(await freeTcpPort()),
    PALISADE_SIP_BIND: '127.0.0.1',
    PALISADE_SIP_UDP_PORT: String(await freeSipPort()),
    PALISADE_SIP_TCP_PORT: String(await freeSipPort()),
    PALISADE_SIP_TLS_PORT: String(await freeTcpPort()),
    PALISADE_SIP_DOMAIN: 'pbx.test',
  };
});
after(() => rmSync(dataDir, { recursive: true, force: true }));

function palisade(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    env,
    cwd: dataDir,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('config check names a bad setting and where it came from; exit 78', () => {
  const r = spawnSync(process.execPath, [BIN, 'config', 'check'], {
    env: { ...env, PALISADE_HTTP_PORT: '99999' },
    cwd: dataDir,
    encoding: 'utf8',
  });
  assert.equal(r.status, 78);
  assert.match(r.stderr, /http\.port \(PALISADE_HTTP_PORT\): must be between 0 and 65535/);
  writeFileSync(join(dataDir, 'palisade.yaml'), 'log:\n  levle: debug\n');
  const f = palisade('config', 'check');
  assert.equal(f.code, 78);
  assert.match(f.err, /log\.levle .*not a setting \(did you mean level\?\)/);
  rmSync(join(dataDir, 'palisade.yaml'));
  assert.equal(palisade('config', 'check').code, 0);
});

test('unknown commands and options print the usage; exit 2', () => {
  const r = palisade('frobnicate');
  assert.equal(r.code, 2);
  assert.match(r.err, /unknown command: frobnicate/);
  assert.match(r.err, /Usage: palisade/);
  assert.equal(palisade('user', 'add', '--bogus').code, 2);
});

test('user, device and token commands work on the data directory', () => {
  assert.equal(palisade('db', 'migrate').code, 0);
  const add = palisade(
    'user',
    'add',
    '--username',
    'carol',
    '--extension',
    '300',
    '--name',
    'Carol C',
  );
  assert.equal(add.code, 0, add.err);
  const bad = palisade('user', 'add', '--username', 'dave', '--extension', 'abc', '--name', 'Dave');
  assert.equal(bad.code, 1);
  assert.match(bad.err, /extension must be 2–15 digits/);
  const list = palisade('user', 'list');
  assert.match(list.out, /carol\t300\tactive\tCarol C/);
  assert.doesNotMatch(list.out, /dave/);

  const dev = palisade('device', 'add', '--user', 'carol', '--label', 'softphone');
  assert.equal(dev.code, 0, dev.err);
  assert.match(dev.out, /SIP username: 300/);
  assert.match(dev.out, /SIP password: [A-Za-z0-9]{24}/);
  assert.match(dev.out, /SIP domain:\s+pbx\.test/);

  const tok = palisade('token', 'create', '--name', 'ci', '--scopes', 'users:view,devices:view');
  assert.equal(tok.code, 0, tok.err);
  assert.match(tok.out.trim(), /^pal_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
  const id = /token ([\w-]+) /.exec(tok.err)?.[1];
  assert.ok(id);
  assert.equal(palisade('token', 'create', '--name', 'x', '--scopes', 'root').code, 1);
  assert.match(palisade('token', 'revoke', id).out, /revoked token/);

  assert.equal(palisade('user', 'remove', 'carol').code, 0);
  assert.doesNotMatch(palisade('user', 'list').out, /carol/);
});

test('start serves HTTPS, prints the setup link, reports ready, and stops cleanly on SIGTERM', async () => {
  const server = startPeer(process.execPath, [BIN, 'start'], { env, cwd: dataDir, maxMs: 90_000 });
  try {
    const link = await server.waitFor(/https:\/\/\S+\/setup\?token=([A-Za-z0-9_-]+)/, 30_000);
    await server.waitFor(/Palisade is running/, 30_000);
    const ca = readFileSync(join(dataDir, 'tls', 'server.crt'));
    const client = httpsClient(`https://127.0.0.1:${env.PALISADE_HTTP_PORT}`, ca);
    assert.equal((await client.call('GET', '/healthz')).status, 200);
    assert.equal((await client.call('GET', `/setup?token=${link[1]}`)).status, 200);
    const status = palisade('status');
    assert.equal(status.code, 0, status.out + status.err);
    assert.match(status.out, /^ready/);
    // A fresh link from the CLI replaces the announced one.
    const fresh = palisade('admin', 'setup');
    assert.equal(fresh.code, 0, fresh.err);
    assert.notEqual(fresh.out.trim(), link[0]);
    assert.equal(
      (
        await client.call('POST', '/api/v1/setup', {
          body: {
            token: link[1],
            username: 'a',
            displayName: 'A',
            extension: '10',
            password: 'a long enough passphrase',
          },
        })
      ).status,
      403,
    );
  } finally {
    await server.stop('SIGTERM');
  }
  assert.equal(server.child.exitCode, 0, server.output());
  assert.match(server.output(), /palisade stopped/);
  assert.equal(palisade('status').code, 3);
});

test('start refuses an invalid configuration and says why', async () => {
  const server = startPeer(process.execPath, [BIN, 'start'], {
    env: { ...env, PALISADE_MEDIA_RTP_PORT_MIN: '40000', PALISADE_MEDIA_RTP_PORT_MAX: '30000' },
    cwd: dataDir,
    maxMs: 30_000,
  });
  const code = await server.exited();
  assert.equal(code, 78);
  assert.match(server.output(), /media\.rtpPortMin .*must be lower than media\.rtpPortMax/);
});
