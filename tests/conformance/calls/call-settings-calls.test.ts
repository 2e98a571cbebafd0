/**
 * Call settings changed through the API change what real calls do
 * (PRODUCT §A6): baresip phones on loopback, one registered on auto-answer,
 * one dialling. A ring group added with PUT /api/v1/call-settings makes its
 * extension ring its member (before: 404); do-not-disturb set by the user
 * with PUT /api/v1/me/call-forwarding makes the caller get 486 Busy Here,
 * and turning it off lets the call through again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { hashPassword } from '@palisade/security';
import type { Cdr } from '@palisade/pbx';
import { BaresipPhones } from '../../support/baresip.ts';
import { debianPeer } from '../../support/debian.ts';
import type { RunningPeer } from '../../support/process.ts';
import {
  addDevices,
  SIP_DOMAIN,
  startSipPalisade,
  type SipPalisade,
  type TestDevice,
} from '../../support/sip-palisade.ts';

const baresip = debianPeer('baresip', 'baresip');
const PASSWORD = 'amber tractor lighthouse 58';
let p: SipPalisade;
let caller: TestDevice;
let callee: TestDevice;
let answering: RunningPeer;
let adminToken: string;

const phones = new BaresipPhones(
  () => baresip.path!,
  () => p.udpPort,
);
const phone = (
  device: TestDevice,
  opts: { register: boolean; args?: string[]; seconds: number },
): Promise<RunningPeer> => phones.start(device, { ...opts, srtp: false });

async function until(what: string, ok: () => Promise<boolean>, ms: number, output: () => string) {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) assert.fail(`${what}; baresip said:\n${output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const cdrsOfCaller = () =>
  p.server.domain.store.cdrs.list({
    tenantId: p.server.domain.defaultTenant.id,
    userId: caller.userId,
  });

/** The caller dials `number` for a few seconds; resolves with the call's finished CDR and what the phone printed. */
async function dial(number: string): Promise<{ cdr: Cdr; output: string }> {
  const before = (await cdrsOfCaller()).length;
  const dialling = await phone(caller, {
    register: false,
    seconds: 5,
    args: ['-e', `/dial sip:${number}@${SIP_DOMAIN}`],
  });
  await dialling.exited();
  let cdr: Cdr | undefined;
  await until(
    `the call to ${number} ends with a CDR`,
    async () => {
      const all = await cdrsOfCaller();
      cdr = all[0];
      return all.length > before && cdr?.disposition !== 'in_progress';
    },
    10_000,
    () => dialling.output() + answering.output(),
  );
  return { cdr: cdr!, output: dialling.output() };
}

before(async () => {
  if (baresip.skip) return;
  p = await startSipPalisade({
    PALISADE_SIP_DIGEST_ALGORITHMS: 'MD5',
    PALISADE_MEDIA_RTP_PORT_MIN: '45000',
    PALISADE_MEDIA_RTP_PORT_MAX: '45999',
  });
  const devices = await addDevices(p, 2, 3000);
  caller = devices[0]!;
  callee = devices[1]!;
  const d = p.server.domain;
  adminToken = (
    await d.tokens.issue({
      tenantId: d.defaultTenant.id,
      name: 'dial plan',
      scopes: ['dialplan:change'],
      by: { id: 'cli' },
      granterPermissions: null,
    })
  ).token;
  await d.store.users.update(callee.userId, { passwordHash: await hashPassword(PASSWORD) });
  answering = await phone(callee, { register: true, seconds: 90 });
  await until(
    'callee registration',
    async () => p.server.sip.location.bindingsOf(callee.deviceId).length > 0,
    15_000,
    () => answering.output(),
  );
});

after(async () => {
  await phones.stopAll();
  await p?.stop();
});

describe('call settings set through the API change real calls', { skip: baresip.skip }, () => {
  test('a ring group added through the API rings its member', async () => {
    const missing = await dial('700');
    assert.equal(missing.cdr.disposition, 'failed', 'no ring group yet');
    assert.equal(missing.cdr.hangupCause, 'not_found');

    const put = await p.client.call('PUT', '/api/v1/call-settings', {
      body: { ringGroups: [{ extension: '700', name: 'Desk', members: [callee.extension] }] },
      headers: { authorization: `Bearer ${adminToken}` },
    });
    assert.equal(put.status, 200, put.text);

    const { cdr } = await dial('700');
    assert.equal(cdr.disposition, 'answered', JSON.stringify(cdr));
    assert.equal(cdr.callee, '700');
    assert.equal(cdr.calleeDeviceId, callee.deviceId, "the member's phone answered");
  });

  test('do-not-disturb set by the user through the API makes callers get 486', async () => {
    const login = await p.client.call('POST', '/api/v1/auth/login', {
      body: { username: `user${callee.extension}`, password: PASSWORD, client: 'app' },
    });
    assert.equal(login.status, 200, login.text);
    const cookie = String(login.headers['set-cookie']?.[0]).split(';')[0]!;
    const csrf = login.json<{ csrfToken: string }>().csrfToken;
    const setDnd = (on: boolean) =>
      p.client.call('PUT', '/api/v1/me/call-forwarding', {
        body: { doNotDisturb: on },
        headers: { cookie, 'x-csrf-token': csrf },
      });
    assert.equal((await setDnd(true)).status, 200);

    const busy = await dial(callee.extension);
    assert.equal(busy.cdr.disposition, 'busy', JSON.stringify(busy.cdr));
    assert.equal(busy.cdr.answeredAt, null);
    assert.match(busy.output, /486 Busy Here/, 'the caller was told busy');
    // the ring group skips a member on do-not-disturb: nobody is left to ring
    const group = await dial('700');
    assert.notEqual(group.cdr.disposition, 'answered', JSON.stringify(group.cdr));
    assert.equal(group.cdr.calleeDeviceId, null);

    assert.equal((await setDnd(false)).status, 200);
    const through = await dial(callee.extension);
    assert.equal(through.cdr.disposition, 'answered', JSON.stringify(through.cdr));
    assert.equal(through.cdr.calleeDeviceId, callee.deviceId);
  });
});
