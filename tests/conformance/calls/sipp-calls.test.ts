/**
 * SIPp UAC and UAS placing calls through Palisade (PRODUCT §A6, §B1):
 * digest-authenticated INVITEs, the B2BUA ringing the registered UAS, G.711
 * A-law RTP at 20 ms from the caller, echoed by the callee, relayed both
 * ways; every call leaves one answered CDR. The same call set runs with the
 * built-in engine and with rtpengine (Debian rtpengine-daemon).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { debianPeer } from '../../support/debian.ts';
import { mediaEngineEnv, type EngineUnderTest } from '../../support/rtpengine.ts';
import { addDevices, startSipPalisade, type SipPalisade } from '../../support/sip-palisade.ts';
import { startSippCallRig, type SippCallRig } from '../../support/sipp-calls.ts';

const CALLS = 20;
const HOLD_MS = 2_000;
const sipp = debianPeer('sip-tester', 'sipp');
const rtpengine = debianPeer('rtpengine-daemon', 'rtpengine');

function callSet(engine: EngineUnderTest, rtpPorts: { min: number; max: number }): void {
  let p: SipPalisade | undefined;
  let rig: SippCallRig | undefined;
  let stopEngine: (() => Promise<void>) | undefined;
  const skip = sipp.skip ?? (engine === 'rtpengine' ? rtpengine.skip : undefined);

  describe(`SIPp calls through the B2BUA (${engine} media engine)`, { skip }, () => {
    before(async () => {
      const media = await mediaEngineEnv(engine, rtpPorts, rtpengine.path);
      stopEngine = media.stop;
      p = await startSipPalisade({
        // SIPp 3.6 answers only the first challenge and knows MD5 alone
        PALISADE_SIP_DIGEST_ALGORITHMS: 'MD5',
        // SIPp's digest-uri is sip:<server address>, not the Request-URI
        PALISADE_CALLS_DIGEST_URI: 'or-server',
        ...media.env,
      });
      const callers = await addDevices(p, CALLS, 1000);
      const callees = await addDevices(p, CALLS, 3000);
      rig = await startSippCallRig(sipp.path!, p, callers, callees);
    });

    after(async () => {
      await rig?.stop();
      await p?.stop();
      await stopEngine?.();
    });

    test(`${CALLS} calls with G.711 RTP both ways, one answered CDR each`, async () => {
      const server = p!;
      const r = await rig!.placeCalls({ calls: CALLS, rate: 10, holdMs: HOLD_MS, maxMs: 60_000 });
      assert.equal(r.code, 0, r.output.slice(0, 3000));
      const totals = server.server.sip.b2bua.mediaTotals;
      assert.equal(totals.calls, CALLS);
      // 50 packets/s each way for ≈HOLD_MS: allow for start-up and the stream stopping early
      const expected = (CALLS * HOLD_MS * 50) / 1000;
      assert.ok(
        totals.packetsFromCallers > expected * 0.8,
        `from callers: ${totals.packetsFromCallers}`,
      );
      assert.ok(
        totals.packetsFromCallees > expected * 0.8,
        `echoed by callees: ${totals.packetsFromCallees}`,
      );
      assert.equal(totals.droppedWrongSource, 0);
      const cdrs = await server.server.domain.store.cdrs.list({
        tenantId: server.server.domain.defaultTenant.id,
      });
      assert.equal(cdrs.length, CALLS);
      assert.ok(
        cdrs.every(
          (c) =>
            c.disposition === 'answered' && c.hangupCause === 'normal' && c.causeSide === 'caller',
        ),
      );
    });
  });
}

callSet('builtin', { min: 41000, max: 41999 });
callSet('rtpengine', { min: 44000, max: 44999 });
