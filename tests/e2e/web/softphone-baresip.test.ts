/**
 * The user app's softphone and a baresip desk phone call each other through
 * Palisade (PRODUCT §E, §A6): the browser leg is SIP over WSS with
 * DTLS-SRTP, the phone's is plain RTP over UDP, and the relay bridges them.
 * The browser calls the phone and hangs up; then the phone calls the browser
 * (incoming-call notification, Answer) and hangs up. Audio both ways each
 * time: the phone's tone in Chromium (inbound packets and totalAudioEnergy
 * grow), Chromium's fake microphone in baresip's recording, and the relay's
 * counters. See softphone-baresip-scenario.ts; screenshots go to
 * test-output/web/. Runs in a fresh network namespace with only `lo`.
 * Needs root, `ip`, Chromium and baresip.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { LoopbackNamespaces } from '../../support/loopback-namespace.ts';
import { ensureWebBuild } from '../../support/web-browser.ts';
import type { CallMeasures } from './softphone-baresip-scenario.ts';
import { hears } from './softphone-page.ts';

const scenario = fileURLToPath(new URL('./softphone-baresip-scenario.ts', import.meta.url));
const namespaces = new LoopbackNamespaces();

after(() => namespaces.cleanup());

function audioBothWays(who: string, m: CallMeasures): void {
  hears(`the browser (${who})`, m.browser);
  // Chromium's microphone reached baresip, decrypted and decoded: its recording is not silence
  assert.ok(m.phoneHeardLevel > 50, `${who}: baresip heard level ${String(m.phoneHeardLevel)}`);
  // the relay carried media from both phones (≈50 packets/s each way for seconds)
  assert.equal(m.calls, 1, `${who}: the relay closed one call`);
  assert.ok(m.fromCaller > 100, `${who}: from the caller ${String(m.fromCaller)}`);
  assert.ok(m.fromCallee > 100, `${who}: from the callee ${String(m.fromCallee)}`);
  // neither phone's own packets count as a wrong source (the intrusion detector's input),
  // not even those the answerer sends before its answer reaches the relay
  assert.equal(m.droppedWrongSource, 0, `${who}: packets dropped as from a wrong source`);
}

test('web softphone ↔ baresip: the browser calls the phone and the phone calls the browser, audio both ways', async (t) => {
  const skip = namespaces.skipReason([
    ['chromium', 'chromium'],
    ['baresip', 'baresip'],
  ]);
  if (skip) return t.skip(skip);
  ensureWebBuild();
  const r = await namespaces.run<{
    error?: string;
    outgoing: CallMeasures;
    incoming: CallMeasures;
    incomingText: string;
    cdrs: { caller: string; callee: string; disposition: string; calleeDeviceId: string }[];
    deskDeviceId: string;
    problems: string[];
  }>(`palisade-webbs-${String(process.pid)}`, scenario, [], 115_000);
  assert.equal(r.error, undefined, r.error);
  audioBothWays('browser calls', r.outgoing);
  audioBothWays('phone calls', r.incoming);
  assert.match(r.incomingText, /202/, 'the notification names the calling extension');
  const answered = r.cdrs.filter((c) => c.disposition === 'answered');
  assert.ok(
    answered.some(
      (c) => c.caller === '201' && c.callee === '202' && c.calleeDeviceId === r.deskDeviceId,
    ),
    JSON.stringify(r.cdrs),
  );
  assert.ok(
    answered.some((c) => c.caller === '202' && c.callee === '201'),
    JSON.stringify(r.cdrs),
  );
  assert.deepEqual(r.problems, [], 'no CSP violation or page error');
});
