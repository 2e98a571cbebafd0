/**
 * baresip (Debian) as a SIP phone for call tests: G.711 only, a 440 Hz sine
 * tone file as its microphone and what it hears (decoded) dumped to a WAV
 * file by the sndfile module (`dump-<peer>-dec.wav`), on
 * 127.0.0.1, reaching Palisade over UDP. Registered with auto-answer, or
 * not registered and dialling with `-e /dial …`. The folder is removed by
 * the caller (`dir`), or by `BaresipPhones.stopAll`.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeSipPort } from './ports.ts';
import { startPeer, type RunningPeer } from './process.ts';
import { SIP_DOMAIN, type TestDevice } from './sip-palisade.ts';

export interface BaresipPhone {
  readonly peer: RunningPeer;
  readonly dir: string;
  /** Root-mean-square level of what the phone heard so far (16-bit PCM), 0 for silence. */
  heardLevel(): number;
}

export interface BaresipOptions {
  readonly udpPort: number;
  readonly register: boolean;
  readonly srtp: boolean;
  readonly seconds: number;
  readonly args?: readonly string[];
  /** More module lines (`module_app presence.so`) and config lines. */
  readonly config?: readonly string[];
  /** Lines of the address book (`contacts`), e.g. `"Bob" <sip:1002@pbx.test>;presence=p2p`. */
  readonly contacts?: readonly string[];
}

export async function startBaresip(
  binary: string,
  device: TestDevice,
  opts: BaresipOptions,
): Promise<BaresipPhone> {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-baresip-call-'));
  const listen = await freeSipPort('127.0.0.1', 2);
  writeFileSync(
    join(dir, 'config'),
    [
      'poll_method epoll',
      `sip_listen 127.0.0.1:${listen}`,
      'net_interface 127.0.0.1',
      'module_path /usr/lib/baresip/modules',
      'module g711.so',
      'module aufile.so',
      'module srtp.so',
      'module sndfile.so',
      `snd_path ${dir}`,
      'module menu.so',
      'module_app account.so',
      `audio_source aufile,${join(dir, 'tone.wav')}`,
      `audio_player aufile,${join(dir, 'heard.wav')}`,
      `rtp_ports 46000-46999`,
      ...(opts.config ?? []),
      '',
    ].join('\n'),
  );
  if (opts.contacts) writeFileSync(join(dir, 'contacts'), `${opts.contacts.join('\n')}\n`);
  const params = [
    `auth_pass=${device.secret}`,
    `outbound="sip:127.0.0.1:${opts.udpPort};transport=udp"`,
    `regint=${opts.register ? 600 : 0}`,
    'answermode=auto',
    ...(opts.srtp ? ['mediaenc=srtp-mand'] : []),
  ];
  writeFileSync(
    join(dir, 'accounts'),
    `<sip:${device.sipUsername}@${SIP_DOMAIN};transport=udp>;${params.join(';')}\n`,
  );
  writeFileSync(join(dir, 'tone.wav'), sineWav(440, 8000, 10));
  const peer = startPeer(binary, ['-f', dir, '-t', String(opts.seconds), ...(opts.args ?? [])], {
    maxMs: (opts.seconds + 10) * 1000,
  });
  const heardLevel = (): number =>
    Math.max(
      0,
      ...readdirSync(dir)
        .filter((f) => /^dump-.*-dec\.wav$/.test(f))
        .map((f) => wavLevel(join(dir, f))),
    );
  return { peer, dir, heardLevel };
}

/**
 * The baresip phones of one test file, all reaching Palisade's UDP port:
 * `stopAll` (in `after`) stops them and removes their folders.
 */
export class BaresipPhones {
  readonly #binary: () => string;
  readonly #udpPort: () => number;
  readonly #phones: BaresipPhone[] = [];

  /** Both read when a phone starts (the server and the binary exist by then). */
  constructor(binary: () => string, udpPort: () => number) {
    this.#binary = binary;
    this.#udpPort = udpPort;
  }

  async start(device: TestDevice, opts: Omit<BaresipOptions, 'udpPort'>): Promise<RunningPeer> {
    const phone = await startBaresip(this.#binary(), device, { ...opts, udpPort: this.#udpPort() });
    this.#phones.push(phone);
    return phone.peer;
  }

  async stopAll(): Promise<void> {
    for (const { peer } of this.#phones) await peer.stop();
    for (const { dir } of this.#phones) rmSync(dir, { recursive: true, force: true });
    this.#phones.length = 0;
  }
}

/** A mono 16-bit PCM WAV file holding a sine tone. */
export function sineWav(hz: number, rate: number, seconds: number): Buffer {
  const samples = rate * seconds;
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++)
    data.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / rate)), i * 2);
  const head = Buffer.alloc(44);
  head.write('RIFF', 0);
  head.writeUInt32LE(36 + data.length, 4);
  head.write('WAVEfmt ', 8);
  head.writeUInt32LE(16, 16);
  head.writeUInt16LE(1, 20);
  head.writeUInt16LE(1, 22);
  head.writeUInt32LE(rate, 24);
  head.writeUInt32LE(rate * 2, 28);
  head.writeUInt16LE(2, 32);
  head.writeUInt16LE(16, 34);
  head.write('data', 36);
  head.writeUInt32LE(data.length, 40);
  return Buffer.concat([head, data]);
}

/** RMS of the 16-bit samples after a 44-byte WAV header; 0 when the file is missing or empty. */
function wavLevel(path: string): number {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return 0;
  }
  const samples = Math.floor((bytes.length - 44) / 2);
  if (samples <= 0) return 0;
  let sum = 0;
  for (let i = 0; i < samples; i++) sum += bytes.readInt16LE(44 + i * 2) ** 2;
  return Math.sqrt(sum / samples);
}
