/**
 * The registrar reads devices and users from memory (directory-cache.ts);
 * a change must still count at once. Against a real server over UDP: a
 * rotated secret, a disabled user and a deleted device stop registering
 * with the very next REGISTER, and a user removed by the CLI (another
 * process, on the same database) stops registering too, as soon as the
 * server has read the credentials generation again.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { after, before, test } from 'node:test';
import { CLI_ACTOR } from '@palisade/pbx';
import {
  addDevices,
  SIP_DOMAIN,
  startSipPalisade,
  type SipPalisade,
} from '../../support/sip-palisade.ts';
import { answerChallenge, parseResponse, registerText } from '../../support/sip-test-client.ts';

const BIN = new URL('../../../apps/server/src/bin/palisade.ts', import.meta.url).pathname;

let p: SipPalisade;
const socket = createSocket('udp4');
let call = 0;

before(async () => {
  p = await startSipPalisade({ PALISADE_SIP_DIGEST_ALGORITHMS: 'MD5' });
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
});
after(async () => {
  socket.close();
  await p?.stop();
});

async function exchange(text: string) {
  socket.send(text, p.udpPort, '127.0.0.1');
  const [data] = (await once(socket, 'message')) as [Buffer];
  return parseResponse(data);
}

/** Challenge, answer with `secret`: the final status. */
async function register(user: string, secret: string): Promise<number> {
  const base = {
    user,
    domain: SIP_DOMAIN,
    transport: 'UDP',
    viaHost: `127.0.0.1:${socket.address().port}`,
    contact: `<sip:${user}@127.0.0.1:${socket.address().port}>`,
    callId: `cc-${++call}`,
  };
  const challenge = await exchange(registerText({ ...base, cseq: 1 }));
  assert.equal(challenge.status, 401);
  const authorization = answerChallenge(challenge, {
    user,
    password: secret,
    uri: `sip:${SIP_DOMAIN}`,
    algorithm: 'MD5',
  });
  return (await exchange(registerText({ ...base, cseq: 2, authorization }))).status;
}

test('a rotated secret, a disabled user and a deleted device count from the next REGISTER', async () => {
  const d = p.server.domain;
  const [dev] = await addDevices(p, 1, 3100);
  assert.ok(dev);
  assert.equal(await register(dev.sipUsername, dev.secret), 200);
  assert.equal(await register(dev.sipUsername, dev.secret), 200, 'answered from memory');

  const rotated = await d.devices.rotateSecret(CLI_ACTOR, dev.deviceId);
  assert.equal(await register(dev.sipUsername, dev.secret), 401);
  assert.equal(await register(dev.sipUsername, rotated.secret), 200);

  await d.users.update(CLI_ACTOR, dev.userId, { state: 'disabled' });
  assert.equal(await register(dev.sipUsername, rotated.secret), 403);
  await d.users.update(CLI_ACTOR, dev.userId, { state: 'active' });
  assert.equal(await register(dev.sipUsername, rotated.secret), 200);

  await d.devices.delete(CLI_ACTOR, dev.deviceId);
  assert.equal(await register(dev.sipUsername, rotated.secret), 401);
});

test('a user removed by the CLI in another process stops registering', async () => {
  const [dev] = await addDevices(p, 1, 3200);
  assert.ok(dev);
  assert.equal(await register(dev.sipUsername, dev.secret), 200);
  const cli = spawnSync(process.execPath, [BIN, 'user', 'remove', `user${dev.extension}`], {
    env: { ...process.env, PALISADE_DATA_DIR: p.dataDir, PALISADE_SIP_DOMAIN: SIP_DOMAIN },
    cwd: p.dataDir,
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(cli.status, 0, cli.stderr);
  // the server notices at its next read of the credentials generation (every second)
  let status = 200;
  for (let i = 0; i < 50 && status === 200; i++) {
    await new Promise((r) => setTimeout(r, 200));
    status = await register(dev.sipUsername, dev.secret);
  }
  assert.equal(status, 401);
});
