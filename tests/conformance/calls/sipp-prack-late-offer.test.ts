/**
 * Reliable provisional responses (RFC 3262) and late offers through the
 * B2BUA against SIPp on both legs (PRODUCT §A3), with the built-in engine
 * and with rtpengine:
 *
 * - a UAS answering 183 + SDP with `Require: 100rel` is PRACKed by Palisade
 *   (the UAS scenario fails the call on a missing or wrong RAck), and a UAC
 *   with `Supported: 100rel` gets that early SDP reliably, PRACKs it late
 *   and so sees it retransmitted (same RSeq) and the 200 held until then;
 * - a UAC requiring 100rel calling a UAS that knows nothing of it: every
 *   18x reliable on the caller's leg, none on the callee's;
 * - a late offer (INVITE without SDP): Palisade's offer in the 200, the
 *   answer in the ACK, RTP echoed both ways; then a re-INVITE without SDP
 *   answered the same way, and RTP still flowing.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { debianPeer } from '../../support/debian.ts';
import { mediaEngineEnv, type EngineUnderTest } from '../../support/rtpengine.ts';
import {
  addDevices,
  startSipPalisade,
  type SipPalisade,
  type TestDevice,
} from '../../support/sip-palisade.ts';
import { startSippCallRig, type SippCallRig, type UasOptions } from '../../support/sipp-calls.ts';

const CALLS = 3;
const sipp = debianPeer('sip-tester', 'sipp');
const rtpengine = debianPeer('rtpengine-daemon', 'rtpengine');

function engineSet(engine: EngineUnderTest, rtpPorts: { min: number; max: number }): void {
  let p: SipPalisade | undefined;
  let stopEngine: (() => Promise<void>) | undefined;
  const rigs: SippCallRig[] = [];
  let next = 1000;
  const skip = sipp.skip ?? (engine === 'rtpengine' ? rtpengine.skip : undefined);

  /** Fresh callers and callees behind a UAS of `uas`'s scenario. */
  async function rig(uas: UasOptions): Promise<{ rig: SippCallRig; callees: TestDevice[] }> {
    const server = p!;
    const callers = await addDevices(server, CALLS, next);
    const callees = await addDevices(server, CALLS, next + 500);
    next += 50;
    const r = await startSippCallRig(sipp.path!, server, callers, callees, uas);
    rigs.push(r);
    return { rig: r, callees };
  }

  async function cdrsSince(count: number) {
    const server = p!;
    const all = await server.server.domain.store.cdrs.list({
      tenantId: server.server.domain.defaultTenant.id,
    });
    return all.slice(0, count);
  }

  describe(
    `SIPp: PRACK and late offer through the B2BUA (${engine} media engine)`,
    { skip },
    () => {
      before(async () => {
        const media = await mediaEngineEnv(engine, rtpPorts, rtpengine.path);
        stopEngine = media.stop;
        p = await startSipPalisade({
          PALISADE_SIP_DIGEST_ALGORITHMS: 'MD5',
          PALISADE_CALLS_DIGEST_URI: 'or-server',
          ...media.env,
        });
      });

      after(async () => {
        for (const r of rigs) await r.stop();
        await p?.stop();
        await stopEngine?.();
      });

      test('Require: 100rel from the callee is PRACKed; Supported: 100rel on the caller gets a reliable, retransmitted 183', async () => {
        const { rig: r } = await rig({ scenario: 'uas_call_100rel.xml', calls: CALLS });
        const messages = join(r.work, 'uac-messages.log');
        const run = await r.placeCalls({
          calls: CALLS,
          rate: 5,
          holdMs: 1000,
          maxMs: 60_000,
          scenario: 'uac_call_100rel.xml',
          messageFile: messages,
        });
        assert.equal(
          run.code,
          0,
          `${run.output.slice(0, 2000)}\nUAS: ${r.uas.output().slice(-2000)}\n${readFileSync(messages, 'utf8').slice(0, 6000)}`,
        );
        // every call of the UAS passed its PRACK check (RAck: 1 <CSeq> INVITE)
        assert.equal(await r.uas.exited(), 0, r.uas.output().slice(0, 4000));
        // the caller PRACKed 1.2 s late: the same reliable 183 (one RSeq) came again at T1
        const trace = readFileSync(messages, 'utf8');
        const received183 = trace
          .split(/\n(?=-{5,})/)
          .filter((m) => /received/i.test(m) && /SIP\/2\.0 183 /.test(m));
        const rseqs = received183.map((m) => /^RSeq:\s*(\d+)/im.exec(m)?.[1]);
        assert.ok(received183.length >= 2 * CALLS, `183s received: ${received183.length}`);
        assert.ok(rseqs.every((x) => x !== undefined));
        const perCall = new Map<string, Set<string>>();
        for (const m of received183) {
          const callId = /^Call-ID:\s*(\S+)/im.exec(m)?.[1] ?? '';
          perCall.set(
            callId,
            (perCall.get(callId) ?? new Set()).add(/^RSeq:\s*(\d+)/im.exec(m)![1]!),
          );
        }
        assert.equal(perCall.size, CALLS);
        assert.ok(
          [...perCall.values()].every((s) => s.size === 1),
          'a retransmission keeps its RSeq',
        );
        const cdrs = await cdrsSince(CALLS);
        assert.ok(cdrs.every((c) => c.disposition === 'answered' && c.hangupCause === 'normal'));
      });

      test('a caller requiring 100rel reaches a callee without it: reliability ends at Palisade', async () => {
        const { rig: r } = await rig({ scenario: 'uas_call_ringing.xml', calls: CALLS });
        const run = await r.placeCalls({
          calls: CALLS,
          rate: 5,
          holdMs: 1000,
          maxMs: 60_000,
          scenario: 'uac_call_require_100rel.xml',
        });
        assert.equal(run.code, 0, run.output.slice(0, 3000));
        // uas_call.xml fails on any unexpected request, a PRACK included
        assert.equal(await r.uas.exited(), 0, r.uas.output().slice(0, 4000));
        const cdrs = await cdrsSince(CALLS);
        assert.ok(cdrs.every((c) => c.disposition === 'answered' && c.hangupCause === 'normal'));
      });

      test('a late offer and a re-INVITE without SDP: our offer in the 200, the answer in the ACK, RTP both ways', async () => {
        // rtpengine may move the callee's relay ports when the caller's answer comes: then it is re-INVITEd
        const { rig: r } = await rig({ scenario: 'uas_call_reinvite.xml', calls: CALLS });
        const totals = p!.server.sip.b2bua.mediaTotals;
        const before = { ...totals };
        const run = await r.placeCalls({
          calls: CALLS,
          rate: 5,
          holdMs: 2000,
          maxMs: 60_000,
          scenario: 'uac_late_offer.xml',
        });
        assert.equal(run.code, 0, run.output.slice(0, 3000));
        assert.equal(await r.uas.exited(), 0, r.uas.output().slice(0, 4000));
        assert.equal(totals.calls - before.calls, CALLS);
        // 50 packets/s for ≈2 s each way and call
        const expected = CALLS * 2 * 50;
        const fromCallers = totals.packetsFromCallers - before.packetsFromCallers;
        const fromCallees = totals.packetsFromCallees - before.packetsFromCallees;
        assert.ok(fromCallers > expected * 0.7, `from callers: ${fromCallers}`);
        assert.ok(fromCallees > expected * 0.7, `echoed by callees: ${fromCallees}`);
        assert.equal(totals.droppedWrongSource - before.droppedWrongSource, 0);
        const cdrs = await cdrsSince(CALLS);
        assert.ok(cdrs.every((c) => c.disposition === 'answered' && c.hangupCause === 'normal'));
      });
    },
  );
}

engineSet('builtin', { min: 49000, max: 49499 });
engineSet('rtpengine', { min: 49500, max: 49999 });
