/**
 * The user app's softphone in real browsers: two people signed in to the web
 * app call each other over SIP-over-WSS and WebRTC through the built-in
 * relay, with audio proven both ways, hold/resume, DTMF, a blind transfer to
 * a third person and hang-up; the console then lists the call records. See
 * softphone-call-scenario.ts for the steps; screenshots go to
 * test-output/web/.
 *
 * Chromium gathers no loopback ICE candidates unless its network namespace
 * has only `lo`, so the scenario (server with SQLite, and Chromium) runs in a
 * fresh namespace, made here and deleted at the end. Needs root and `ip`.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { LoopbackNamespaces } from '../../support/loopback-namespace.ts';
import { ensureWebBuild } from '../../support/web-browser.ts';
import { hears, type Pair } from './softphone-page.ts';

const scenario = fileURLToPath(new URL('./softphone-call-scenario.ts', import.meta.url));
const namespaces = new LoopbackNamespaces();

after(() => namespaces.cleanup());

test('web softphone: call, answer, audio both ways, hold/resume, DTMF, blind transfer, hang-up, records in the console', async (t) => {
  const skip = namespaces.skipReason([['chromium', 'chromium']]);
  if (skip) return t.skip(skip);
  ensureWebBuild();
  const r = await namespaces.run<{
    error?: string;
    incomingText: string;
    talk: { ann: Pair; bob: Pair };
    held: { ann: Pair; bob: Pair };
    resumed: { ann: Pair; bob: Pair };
    dtmf: { canInsert: boolean; remoteHasTelephoneEvent: boolean; tones: string[] };
    transferred: { ann: Pair; cat: Pair };
    rows: string[];
    cdrs: { caller: string; callee: string; disposition: string; cause: string | null }[];
    problems: string[];
  }>(`palisade-web-${String(process.pid)}`, scenario, [], 115_000);
  assert.equal(r.error, undefined, r.error);
  assert.match(r.incomingText, /201/, 'the notification names the caller');
  hears('ann, talking', r.talk.ann);
  hears('bob, talking', r.talk.bob);
  // Hold (RFC 3264 §8.4): the holder sends only, the held side receives only.
  assert.equal(r.held.ann.second.direction, 'sendonly');
  assert.equal(r.held.bob.second.direction, 'recvonly');
  assert.ok(
    r.held.ann.second.packets - r.held.ann.first.packets <
      (r.talk.ann.second.packets - r.talk.ann.first.packets) / 4,
    'the holder still receives audio',
  );
  assert.equal(r.resumed.ann.second.direction, 'sendrecv');
  hears('ann, resumed', r.resumed.ann);
  hears('bob, resumed', r.resumed.bob);
  // DTMF goes out as RFC 4733 events on the RTP stream.
  assert.ok(r.dtmf.canInsert, 'the sender cannot insert DTMF');
  assert.ok(r.dtmf.remoteHasTelephoneEvent, 'telephone-event was not negotiated');
  assert.deepEqual(
    r.dtmf.tones.filter((x) => x !== ''),
    ['1', '2', '#'],
  );
  // After bob's blind transfer ann talks with cat on the same call.
  hears('ann, transferred', r.transferred.ann);
  hears('cat, transferred', r.transferred.cat);
  // The records: ann → bob answered; the console shows them.
  assert.ok(
    r.cdrs.some((c) => c.caller === '201' && c.callee === '202' && c.disposition === 'answered'),
    JSON.stringify(r.cdrs),
  );
  assert.ok(
    r.rows.some((row) => row.includes('201') && row.includes('202')),
    JSON.stringify(r.rows),
  );
  assert.deepEqual(r.problems, [], 'no CSP violation or page error');
});
