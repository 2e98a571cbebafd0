/**
 * Two baresip phones calling each other through Palisade (PRODUCT §A6,
 * §B1): the callee registered and on auto-answer, the caller dialling its
 * extension (digest on the INVITE), both sending a sine tone (ausine); the
 * relay's counters prove audio both ways. Then the same with SDES-SRTP
 * mandatory on both phones (`mediaenc=srtp-mand`): the relay terminates
 * and re-keys SRTP per leg. MD5 only: baresip 1.0 does not answer a
 * SHA-256 challenge. The same call set runs with the built-in engine and
 * with rtpengine (Debian rtpengine-daemon on 127.0.0.1).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BaresipPhones } from '../../support/baresip.ts';
import { debianPeer } from '../../support/debian.ts';
import type { RunningPeer } from '../../support/process.ts';
import { mediaEngineEnv, type EngineUnderTest } from '../../support/rtpengine.ts';
import {
  addDevices,
  SIP_DOMAIN,
  startSipPalisade,
  type SipPalisade,
  type TestDevice,
} from '../../support/sip-palisade.ts';

const baresip = debianPeer('baresip', 'baresip');
const rtpengine = debianPeer('rtpengine-daemon', 'rtpengine');

async function until(
  what: string,
  ok: () => boolean,
  ms: number,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) assert.fail(`${what}; baresip said:\n${output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function callSet(engine: EngineUnderTest, rtpPorts: { min: number; max: number }): void {
  let p: SipPalisade;
  let devices: TestDevice[];
  let stopEngine: (() => Promise<void>) | undefined;
  const skip = baresip.skip ?? (engine === 'rtpengine' ? rtpengine.skip : undefined);

  const phones = new BaresipPhones(
    () => baresip.path!,
    () => p.udpPort,
  );
  const phone = (
    device: TestDevice,
    opts: { register: boolean; srtp: boolean; args?: string[]; seconds: number },
  ): Promise<RunningPeer> => phones.start(device, opts);

  describe(`baresip calls baresip through Palisade (${engine} media engine)`, { skip }, () => {
    before(async () => {
      const media = await mediaEngineEnv(engine, rtpPorts, rtpengine.path);
      stopEngine = media.stop;
      p = await startSipPalisade({ PALISADE_SIP_DIGEST_ALGORITHMS: 'MD5', ...media.env });
      devices = await addDevices(p, 4, 2000);
    });

    after(async () => {
      await phones.stopAll();
      await p?.stop();
      await stopEngine?.();
    });
    for (const [srtp, callerIndex, calleeIndex] of [
      [false, 0, 1],
      [true, 2, 3],
    ] as const) {
      test(srtp ? 'SDES-SRTP mandatory on both phones' : 'plain RTP', async () => {
        const caller = devices[callerIndex]!;
        const callee = devices[calleeIndex]!;
        const before = { ...p.server.sip.b2bua.mediaTotals };
        const answering = await phone(callee, { register: true, srtp, seconds: 25 });
        await until(
          'callee registration',
          () => p.server.sip.location.bindingsOf(callee.deviceId).length > 0,
          15_000,
          () => answering.output(),
        );
        // the caller dials at once and quits (hanging up) after 6 s
        const dialling = await phone(caller, {
          register: false,
          srtp,
          seconds: 6,
          args: ['-e', `/dial sip:${callee.extension}@${SIP_DOMAIN}`],
        });
        await dialling.exited();
        const totals = p.server.sip.b2bua.mediaTotals;
        await until(
          'the call ends',
          () => totals.calls > before.calls,
          10_000,
          () => dialling.output() + answering.output(),
        );
        const fromCaller = totals.packetsFromCallers - before.packetsFromCallers;
        const fromCallee = totals.packetsFromCallees - before.packetsFromCallees;
        // ≈50 packets/s each way for a few seconds of talk
        assert.ok(
          fromCaller > 100,
          `from the caller: ${fromCaller}\n${dialling.output().slice(-2000)}`,
        );
        assert.ok(
          fromCallee > 100,
          `from the callee: ${fromCallee}\n${answering.output().slice(-2000)}`,
        );
        const cdrs = await p.server.domain.store.cdrs.list({
          tenantId: p.server.domain.defaultTenant.id,
          userId: caller.userId,
        });
        assert.equal(cdrs.length, 1);
        assert.equal(cdrs[0]?.disposition, 'answered');
        assert.equal(cdrs[0]?.calleeDeviceId, callee.deviceId);
        await answering.stop();
      });
    }
  });
}

callSet('builtin', { min: 45000, max: 45999 });
callSet('rtpengine', { min: 48000, max: 48999 });
