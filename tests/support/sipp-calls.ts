/**
 * SIPp call runs through a real Palisade: callee devices registered from
 * the port a SIPp UAS then listens on (UDP, so the registration's source
 * is where INVITEs go), and a UAC placing calls with G.711 RTP (20 ms) that
 * the UAS echoes back (`-rtp_echo`).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningPeer } from './process.ts';
import { startPeer } from './process.ts';
import { freeSipPort } from './ports.ts';
import { SIP_DOMAIN, type TestDevice } from './sip-palisade.ts';
import { sippAuth } from './sipp-auth.ts';

const FIXTURES = new URL('../fixtures/sipp/', import.meta.url).pathname;

export interface CallRun {
  readonly calls: number;
  readonly rate: number;
  readonly holdMs: number;
  readonly maxMs?: number;
  /** Another UAC scenario of tests/fixtures/sipp/calls/. */
  readonly scenario?: string;
  /** Where the scenario's <log> actions go (-trace_logs). */
  readonly logFile?: string;
  /** Where every message SIPp sends and receives goes (-trace_msg). */
  readonly messageFile?: string;
}

export interface UasOptions {
  /** Another UAS scenario of tests/fixtures/sipp/calls/ (default uas_call.xml). */
  readonly scenario?: string;
  /** The UAS exits after this many calls (`uas.exited()` then tells whether all passed). */
  readonly calls?: number;
  /** How long uas_call_ringing.xml rings before it answers (SIPp's -d; default 1 s). */
  readonly ringMs?: number;
}

export interface SippCallRig {
  readonly work: string;
  readonly uas: RunningPeer;
  /** Places `calls` calls (caller i → callee i, round robin); resolves with SIPp's exit code and output. */
  placeCalls(opts: CallRun): Promise<{ code: number | null; output: string; peer: RunningPeer }>;
  /** Starts a UAC run without waiting for it. */
  startCalls(opts: CallRun): RunningPeer;
  stop(): Promise<void>;
}

export async function startSippCallRig(
  sippPath: string,
  p: { readonly udpPort: number },
  callers: readonly TestDevice[],
  callees: readonly TestDevice[],
  uasOptions: UasOptions = {},
): Promise<SippCallRig> {
  const work = mkdtempSync(join(tmpdir(), 'palisade-sipp-calls-'));
  const uasPort = await freeSipPort();
  const uasMediaPort = await freeSipPort();
  // register every callee from the UAS's own port (UDP: the binding's source is that port)
  const regUsers = join(work, 'callees.csv');
  writeFileSync(
    regUsers,
    [
      'SEQUENTIAL',
      ...callees.map((d) => `${d.sipUsername};${sippAuth(d.sipUsername, d.secret)}`),
    ].join('\n') + '\n',
  );
  const reg = startPeer(
    sippPath,
    [
      '-sf',
      join(FIXTURES, 'reg_uac.xml'),
      '-inf',
      regUsers,
      '-t',
      'u1',
      '-i',
      '127.0.0.1',
      '-p',
      String(uasPort),
      '-m',
      String(callees.length),
      '-r',
      '50',
      '-timeout',
      '30',
      '-timeout_error',
      '-nostdin',
      '-auth_uri',
      SIP_DOMAIN,
      '-key',
      'dom',
      SIP_DOMAIN,
      '-key',
      'ct_host',
      '127.0.0.1',
      '-key',
      'ct_port',
      String(uasPort),
      '-key',
      'expires',
      '600',
      `127.0.0.1:${p.udpPort}`,
    ],
    { cwd: work, maxMs: 40_000 },
  );
  const regCode = await reg.exited();
  if (regCode !== 0)
    throw new Error(`callee registration failed (${regCode}):\n${reg.output().slice(-3000)}`);
  const uas = startPeer(
    sippPath,
    [
      '-sf',
      join(FIXTURES, 'calls', uasOptions.scenario ?? 'uas_call.xml'),
      '-t',
      'u1',
      '-i',
      '127.0.0.1',
      '-p',
      String(uasPort),
      '-mp',
      String(uasMediaPort),
      '-rtp_echo',
      '-nostdin',
      ...(uasOptions.calls ? ['-m', String(uasOptions.calls)] : []),
      '-d',
      String(uasOptions.ringMs ?? 1000),
    ],
    { cwd: work, maxMs: 600_000 },
  );
  const callsCsv = join(work, 'calls.csv');
  writeFileSync(
    callsCsv,
    [
      'SEQUENTIAL',
      ...callers.map((c, i) => {
        const callee = callees[i % callees.length]!;
        return `${c.sipUsername};${callee.extension};${sippAuth(c.sipUsername, c.secret)}`;
      }),
    ].join('\n') + '\n',
  );
  const startCalls = (opts: CallRun): RunningPeer => {
    const args = [
      '-sf',
      join(FIXTURES, 'calls', opts.scenario ?? 'uac_call_rtp.xml'),
      '-inf',
      callsCsv,
      '-t',
      'u1',
      '-i',
      '127.0.0.1',
      '-p',
      '0',
      '-mp',
      '0',
      '-m',
      String(opts.calls),
      '-r',
      String(opts.rate),
      '-l',
      String(Math.max(opts.calls, 1)),
      '-d',
      String(opts.holdMs),
      '-timeout',
      String(Math.ceil((opts.maxMs ?? 120_000) / 1000)),
      '-timeout_error',
      '-recv_timeout',
      '10000',
      '-nostdin',
      '-key',
      'dom',
      SIP_DOMAIN,
      '-trace_err',
      '-error_file',
      join(work, 'uac-err.log'),
      ...(opts.logFile ? ['-trace_logs', '-log_file', opts.logFile] : []),
      ...(opts.messageFile ? ['-trace_msg', '-message_file', opts.messageFile] : []),
      `127.0.0.1:${p.udpPort}`,
    ];
    return startPeer(sippPath, args, {
      cwd: join(FIXTURES, 'calls'),
      maxMs: (opts.maxMs ?? 120_000) + 10_000,
    });
  };
  return {
    work,
    uas,
    startCalls,
    async placeCalls(opts) {
      const peer = startCalls(opts);
      const code = await peer.exited();
      const errLog = join(work, 'uac-err.log');
      const errors = existsSync(errLog) ? readFileSync(errLog, 'utf8').slice(0, 4000) : '';
      return { code, output: `${errors}\n${peer.output().slice(-2000)}`, peer };
    },
    async stop() {
      await uas.stop();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
