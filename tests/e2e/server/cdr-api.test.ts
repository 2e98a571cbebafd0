/**
 * CDRs over the API: GET /api/v1/cdrs with filters and the CSV export,
 * whose formula-looking cells are neutralised, against a real server.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestPalisade, type TestPalisade } from '../../support/palisade.ts';

let p: TestPalisade;
let viewer: string;

before(async () => {
  p = await startTestPalisade();
  const d = p.server.domain;
  viewer = (
    await d.tokens.issue({
      tenantId: d.defaultTenant.id,
      name: 'cdr viewer',
      scopes: ['cdr:view'],
      by: { id: 'cli' },
      granterPermissions: null,
    })
  ).token;
  const base = {
    tenantId: d.defaultTenant.id,
    callerUserId: '00000000-0000-4000-8000-000000000001',
    callerDeviceId: '00000000-0000-4000-8000-000000000002',
    caller: '1001',
  };
  const answered = await d.store.cdrs.begin({
    ...base,
    callId: 'a@x',
    callee: '1002',
    callClass: 'internal',
    startedAt: 1_000,
  });
  await d.store.cdrs.finish(answered.id, {
    disposition: 'answered',
    calleeUserId: null,
    calleeDeviceId: null,
    answeredAt: 2_000,
    endedAt: 12_000,
    hangupCause: 'normal',
    causeSide: 'caller',
  });
  await d.store.cdrs.begin({
    ...base,
    callId: '=cmd|calc',
    callee: '+4930123',
    callClass: 'international',
    startedAt: 5_000,
  });
});

after(async () => {
  await p.stop();
});

const auth = (): Record<string, string> => ({ authorization: `Bearer ${viewer}` });

test('lists CDRs newest first and filters them', async () => {
  const all = await p.client.call('GET', '/api/v1/cdrs', { headers: auth() });
  assert.equal(all.status, 200, all.text);
  const rows = all.json<{ callId: string; disposition: string; durationSeconds: number }[]>();
  assert.deepEqual(
    rows.map((r) => r.callId),
    ['=cmd|calc', 'a@x'],
  );
  const answered = await p.client.call('GET', '/api/v1/cdrs?disposition=answered', {
    headers: auth(),
  });
  assert.deepEqual(
    answered
      .json<{ callId: string; durationSeconds: number }[]>()
      .map((r) => [r.callId, r.durationSeconds]),
    [['a@x', 10]],
  );
  const bad = await p.client.call('GET', '/api/v1/cdrs?disposition=drop%20table', {
    headers: auth(),
  });
  assert.equal(bad.status, 400);
});

test('exports CSV with formula cells neutralised', async () => {
  const res = await p.client.call('GET', '/api/v1/cdrs.csv', { headers: auth() });
  assert.equal(res.status, 200, res.text);
  assert.match(String(res.headers['content-type']), /^text\/csv/);
  const lines = res.text.trim().split('\r\n');
  assert.equal(lines.length, 3);
  assert.match(lines[0]!, /^id,callId,caller,callee,/);
  assert.match(lines[1]!, /,'=cmd\|calc,1001,'\+4930123,international,/);
  assert.match(lines[2]!, /,a@x,1001,1002,internal,.*,answered,normal,caller$/);
});
