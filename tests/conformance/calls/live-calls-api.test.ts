/**
 * Live calls over the API (PRODUCT §E1) with a real call in progress: a
 * SIPp UAC calls a registered SIPp UAS through Palisade with G.711 RTP.
 * While the call is up, GET /api/v1/calls/active lists it with who calls
 * whom, its state and each phone's transport and media profile (and no SDP
 * or secret); without credentials it is 401, without `calls:view` 403, and
 * another tenant's admin does not see it. After the caller's BYE it is gone
 * and its CDR (same id) is final. An admin's DELETE hangs up an answered
 * call: BYE to both phones, the CDR says `admin_hangup`, the audit log
 * records who did it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CLI_ACTOR } from '@palisade/pbx';
import { debianPeer } from '../../support/debian.ts';
import { addDevices, startSipPalisade, type SipPalisade } from '../../support/sip-palisade.ts';
import type { TestDevice } from '../../support/sip-palisade.ts';
import { startSippCallRig, type SippCallRig } from '../../support/sipp-calls.ts';

const sipp = debianPeer('sip-tester', 'sipp');

interface LiveCallJson {
  id: string;
  tenantId: string;
  state: string;
  startedAt: number;
  answeredAt: number | null;
  caller: Record<string, unknown>;
  callee: Record<string, unknown>;
}

let p: SipPalisade;
let rig: SippCallRig;
let caller: TestDevice;
let callee: TestDevice;
const tokens: Record<'viewer' | 'changer' | 'cdrOnly' | 'otherAdmin' | 'installation', string> = {
  viewer: '',
  changer: '',
  cdrOnly: '',
  otherAdmin: '',
  installation: '',
};

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function active(token = tokens.viewer, query = ''): Promise<LiveCallJson[]> {
  const res = await p.client.call('GET', `/api/v1/calls/active${query}`, {
    headers: bearer(token),
  });
  assert.equal(res.status, 200, res.text);
  return res.json<LiveCallJson[]>();
}

describe('live calls over the API', { skip: sipp.skip }, () => {
  before(async () => {
    p = await startSipPalisade({
      // SIPp 3.6 answers only the first challenge and knows MD5 alone
      PALISADE_SIP_DIGEST_ALGORITHMS: 'MD5',
      PALISADE_CALLS_DIGEST_URI: 'or-server',
      PALISADE_MEDIA_RTP_PORT_MIN: '48000',
      PALISADE_MEDIA_RTP_PORT_MAX: '48499',
    });
    [caller] = (await addDevices(p, 1, 1000)) as [TestDevice];
    [callee] = (await addDevices(p, 1, 3000)) as [TestDevice];
    rig = await startSippCallRig(sipp.path!, p, [caller], [callee]);
    const d = p.server.domain;
    const other = await d.tenants.create(CLI_ACTOR, { name: 'Other', sipDomain: 'other.test' });
    const issue = async (tenantId: string, scopes: string[]) =>
      (
        await d.tokens.issue({
          tenantId,
          name: scopes.join(' '),
          scopes,
          by: CLI_ACTOR,
          granterPermissions: null,
        })
      ).token;
    tokens.viewer = await issue(d.defaultTenant.id, ['calls:view']);
    tokens.changer = await issue(d.defaultTenant.id, ['calls:change']);
    tokens.cdrOnly = await issue(d.defaultTenant.id, ['cdr:view', 'registrations:view']);
    tokens.otherAdmin = await issue(other.id, ['calls:change', 'cdr:view']);
    tokens.installation = await issue(other.id, ['tenants:view', 'calls:view']);
  });

  after(async () => {
    await rig?.stop();
    await p?.stop();
  });

  test('a call in progress is listed with its parties, state and transports, then gone after BYE', async () => {
    const d = p.server.domain;
    assert.deepEqual(await active(), []);
    const run = rig.startCalls({ calls: 1, rate: 1, holdMs: 8_000, maxMs: 60_000 });
    try {
      const call = await until('the answered call in the list', async () =>
        (await active()).find((c) => c.state === 'answered'),
      );
      assert.equal(call.tenantId, d.defaultTenant.id);
      assert.deepEqual(call.caller, {
        userId: caller.userId,
        deviceId: caller.deviceId,
        extension: '1000',
        displayName: 'User 1000',
        transport: 'UDP',
        media: 'RTP',
      });
      assert.deepEqual(call.callee, {
        number: '3000',
        userId: callee.userId,
        deviceId: callee.deviceId,
        extension: '3000',
        displayName: 'User 3000',
        transport: 'UDP',
        media: 'RTP',
      });
      assert.ok(call.answeredAt !== null && call.answeredAt >= call.startedAt);
      // no SDP, no address, no secret
      const raw = (
        await p.client.call('GET', '/api/v1/calls/active', { headers: bearer(tokens.viewer) })
      ).text;
      assert.doesNotMatch(raw, /v=0|m=audio|127\.0\.0\.1|a=crypto/);
      assert.ok(!raw.includes(caller.secret) && !raw.includes(callee.secret));

      // who may see it
      const anonymous = await p.client.call('GET', '/api/v1/calls/active');
      assert.equal(anonymous.status, 401);
      const cdrOnly = await p.client.call('GET', '/api/v1/calls/active', {
        headers: bearer(tokens.cdrOnly),
      });
      assert.equal(cdrOnly.status, 403);
      assert.deepEqual(await active(tokens.otherAdmin), [], "another tenant's admin sees none");
      const named = await p.client.call(
        'GET',
        `/api/v1/calls/active?tenantId=${d.defaultTenant.id}`,
        { headers: bearer(tokens.otherAdmin) },
      );
      assert.equal(named.status, 404, 'naming another tenant is "not found"');
      const foreignHangUp = await p.client.call('DELETE', `/api/v1/calls/active/${call.id}`, {
        headers: bearer(tokens.otherAdmin),
      });
      assert.equal(foreignHangUp.status, 404, "another tenant's admin cannot hang it up");
      const viewerHangUp = await p.client.call('DELETE', `/api/v1/calls/active/${call.id}`, {
        headers: bearer(tokens.viewer),
      });
      assert.equal(viewerHangUp.status, 403, 'hanging up needs calls:change');
      const wide = await active(tokens.installation, `?tenantId=${d.defaultTenant.id}`);
      assert.deepEqual(
        wide.map((c) => c.id),
        [call.id],
        'an installation-wide admin sees it by naming the tenant',
      );

      // the caller hangs up (BYE): the call is gone and its CDR is final
      const code = await run.exited();
      assert.equal(code, 0, run.output().slice(-3000));
      await until('the call to leave the list', async () =>
        (await active()).length === 0 ? true : undefined,
      );
      const cdrs = await d.store.cdrs.list({ tenantId: d.defaultTenant.id });
      const cdr = cdrs.find((c) => c.id === call.id);
      assert.equal(cdr?.disposition, 'answered');
      assert.equal(cdr?.hangupCause, 'normal');
      assert.equal(cdr?.causeSide, 'caller');
    } finally {
      await run.stop();
    }
  });

  test("an admin's hang-up ends an answered call with BYE to both phones and an audited CDR", async () => {
    const d = p.server.domain;
    const run = rig.startCalls({ calls: 1, rate: 1, holdMs: 60_000, maxMs: 90_000 });
    try {
      const call = await until('the answered call in the list', async () =>
        (await active()).find((c) => c.state === 'answered'),
      );
      const missing = await p.client.call(
        'DELETE',
        '/api/v1/calls/active/00000000-0000-4000-8000-000000000000',
        { headers: bearer(tokens.changer) },
      );
      assert.equal(missing.status, 404);
      const res = await p.client.call('DELETE', `/api/v1/calls/active/${call.id}`, {
        headers: bearer(tokens.changer),
      });
      assert.equal(res.status, 200, res.text);
      // the CDR is durable when the API answers
      const cdr = (await d.store.cdrs.list({ tenantId: d.defaultTenant.id })).find(
        (c) => c.id === call.id,
      );
      assert.equal(cdr?.disposition, 'answered');
      assert.equal(cdr?.hangupCause, 'admin_hangup');
      assert.equal(cdr?.causeSide, 'system');
      assert.deepEqual(await active(), []);
      // the caller got our BYE: SIPp ends its call long before its 60 s hold
      await Promise.race([
        run.exited(),
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error(`SIPp still in the call:\n${run.output()}`)), 30_000),
        ),
      ]);
      const audit = (await d.store.auditLog.query({ actionPrefix: 'call.hangup' })).entries;
      assert.equal(audit.length, 1);
      assert.equal(audit[0]?.target, `call:${call.id}`);
      assert.match(audit[0]?.actor ?? '', /^token:/);
    } finally {
      await run.stop();
    }
  });
});
