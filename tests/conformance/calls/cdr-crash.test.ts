/**
 * CDRs survive kill -9 (PRODUCT §A7): a real server process (`palisade
 * start`) relays a SIPp run of calls with RTP; it is killed with SIGKILL
 * mid-run and started again on the same data directory. Every call the
 * UAC saw completed (200 to its BYE) has exactly one answered CDR; every
 * call it saw answered has exactly one CDR (answered, or interrupted when
 * the crash cut it); no CDR is left in progress after the restart.
 *
 * 500 calls at 50 calls/s (10 s), killed after ≈5 s.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { nullLogger } from '@palisade/common';
import { loadConfig, startPalisade } from '@palisade/server';
import { debianPeer } from '../../support/debian.ts';
import { httpsClient } from '../../support/https-client.ts';
import { loopbackServerEnv } from '../../support/ports.ts';
import { startPeer, type RunningPeer } from '../../support/process.ts';
import { addDevices, type TestDevice } from '../../support/sip-palisade.ts';
import { startSippCallRig, type SippCallRig } from '../../support/sipp-calls.ts';
import type { TestPalisade } from '../../support/palisade.ts';

const CALLS = 500;
const RATE = 50;
const USERS = 40;
const BIN = new URL('../../../apps/server/src/bin/palisade.ts', import.meta.url).pathname;
const sipp = debianPeer('sip-tester', 'sipp');
const dataDir = mkdtempSync(join(tmpdir(), 'palisade-cdr-crash-'));
const servers: RunningPeer[] = [];
let env: Record<string, string>;
let callers: TestDevice[];
let callees: TestDevice[];
let token: string;
let rig: SippCallRig | undefined;

before(async () => {
  if (sipp.skip) return;
  env = {
    ...(await loopbackServerEnv(dataDir, 'pbx.test')),
    PALISADE_SIP_DIGEST_ALGORITHMS: 'MD5',
    PALISADE_CALLS_DIGEST_URI: 'or-server',
    PALISADE_MEDIA_BIND_ADDRESS: '127.0.0.1',
    PALISADE_MEDIA_RTP_PORT_MIN: '42000',
    PALISADE_MEDIA_RTP_PORT_MAX: '43999',
    PALISADE_LOG_LEVEL: 'info',
  };
  // users, devices and a token, made in-process on the data dir the server process then uses
  const { config } = loadConfig({ cwd: dataDir, env });
  const server = await startPalisade({
    config,
    logger: nullLogger,
    events: { emit: () => undefined },
    announce: () => undefined,
  });
  const p = { server } as unknown as TestPalisade;
  callers = await addDevices(p, USERS, 1000);
  callees = await addDevices(p, USERS, 3000);
  token = (
    await server.domain.tokens.issue({
      tenantId: server.domain.defaultTenant.id,
      name: 'cdr',
      scopes: ['cdr:view'],
      by: { id: 'cli' },
      granterPermissions: null,
    })
  ).token;
  await server.stop();
});

after(async () => {
  await rig?.stop();
  for (const s of servers) await s.stop('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(): Promise<RunningPeer> {
  const server = startPeer(process.execPath, [BIN, 'start'], {
    env: { ...process.env, ...env },
    maxMs: 300_000,
  });
  servers.push(server);
  await server.waitFor(/palisade started/, 60_000);
  return server;
}

test(
  `kill -9 during ${CALLS} calls loses no CDR of a completed call and duplicates none`,
  { skip: sipp.skip },
  async () => {
    const first = await start();
    rig = await startSippCallRig(
      sipp.path!,
      { udpPort: Number(env['PALISADE_SIP_UDP_PORT']) },
      callers,
      callees,
    );
    const logFile = join(rig.work, 'uac-calls.log');
    const uac = rig.startCalls({
      calls: CALLS,
      rate: RATE,
      holdMs: 1_000,
      maxMs: 40_000,
      scenario: 'uac_call_rtp_logged.xml',
      logFile,
    });
    await new Promise((r) => setTimeout(r, (CALLS / RATE / 2) * 1000));
    first.child.kill('SIGKILL');
    await first.exited();
    // SIPp gives up on the calls the crash cut (recv timeout) and ends
    await uac.exited();
    const lines = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n') : [];
    const seen = (word: string): Set<string> =>
      new Set(
        lines.filter((l) => l.startsWith(`${word} `)).map((l) => l.slice(word.length + 1).trim()),
      );
    const completed = seen('completed');
    const answered = seen('answered');
    assert.ok(
      completed.size > 20,
      `too few calls completed before the kill: ${completed.size}\n${uac.output().slice(-2000)}`,
    );
    assert.ok(completed.size < CALLS, 'the kill came too late to test anything');

    await start();
    const api = httpsClient(
      `https://127.0.0.1:${env['PALISADE_HTTP_PORT']}`,
      readFileSync(join(dataDir, 'tls', 'server.crt'), 'utf8'),
    );
    const res = await api.call('GET', '/api/v1/cdrs?limit=1000', {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(res.status, 200, res.text);
    const cdrs = res.json<{ callId: string; disposition: string }[]>();
    const byCall = new Map<string, string[]>();
    for (const c of cdrs) byCall.set(c.callId, [...(byCall.get(c.callId) ?? []), c.disposition]);
    for (const id of completed) assert.deepEqual(byCall.get(id), ['answered'], `call ${id}`);
    for (const id of answered) {
      const d = byCall.get(id) ?? [];
      assert.equal(d.length, 1, `call ${id} has ${d.length} CDRs`);
      assert.ok(d[0] === 'answered' || d[0] === 'interrupted', `call ${id}: ${d[0]}`);
    }
    assert.equal(cdrs.filter((c) => c.disposition === 'in_progress').length, 0);
    assert.ok(
      cdrs.some((c) => c.disposition === 'interrupted'),
      'calls cut by the crash are marked interrupted',
    );
  },
);
