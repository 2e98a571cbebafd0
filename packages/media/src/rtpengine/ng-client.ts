/**
 * A small client for rtpengine's ng control protocol: one UDP datagram per
 * request, `<cookie> <bencoded dictionary>`, answered with the same cookie.
 * A request is retransmitted with the same cookie on timeout (rtpengine
 * caches replies by cookie, so a retransmission is never executed twice);
 * after the last attempt it fails with `overloaded` (503).
 */
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { isIP } from 'node:net';
import { PalisadeError } from '@palisade/common';
import { bdecode, bencode, isDict } from './bencode.ts';
import type { BDict } from './bencode.ts';

export interface NgEndpoint {
  readonly host: string;
  readonly port: number;
}

export interface NgClientOptions {
  /** Per-attempt timeout (default 1000 ms). */
  readonly timeoutMs?: number;
  /** Attempts per request, the first included (default 3). */
  readonly attempts?: number;
}

interface Pending {
  readonly resolve: (reply: BDict) => void;
  readonly reject: (err: unknown) => void;
}

const MAX_REPLY = 256 * 1024;

export class NgClient {
  readonly endpoint: NgEndpoint;
  readonly #socket: Socket;
  readonly #pending = new Map<string, Pending>();
  readonly #timeoutMs: number;
  readonly #attempts: number;
  readonly #prefix = randomBytes(4).toString('hex');
  #counter = 0;
  #closed = false;

  private constructor(endpoint: NgEndpoint, socket: Socket, options: NgClientOptions) {
    this.endpoint = endpoint;
    this.#socket = socket;
    this.#timeoutMs = options.timeoutMs ?? 1000;
    this.#attempts = options.attempts ?? 3;
    socket.on('message', (msg, rinfo) => {
      // Replies only from the node we talk to; anything else is ignored.
      if (rinfo.port !== endpoint.port || rinfo.address !== endpoint.host) return;
      this.#onReply(msg);
    });
    socket.on('error', () => undefined);
  }

  static async connect(endpoint: NgEndpoint, options: NgClientOptions = {}): Promise<NgClient> {
    const family = isIP(endpoint.host);
    if (family === 0)
      throw new PalisadeError('config_invalid', 'rtpengine host must be an IP address');
    const socket = createSocket(family === 6 ? 'udp6' : 'udp4');
    socket.bind(0, family === 6 ? '::' : '0.0.0.0');
    await once(socket, 'listening');
    return new NgClient(endpoint, socket, options);
  }

  /** Sends one command; resolves with the reply dictionary (result "error" included). */
  async request(message: BDict): Promise<BDict> {
    if (this.#closed) throw new PalisadeError('overloaded', 'rtpengine client is closed');
    const cookie = `${this.#prefix}${(this.#counter++).toString(36)}`;
    const datagram = Buffer.concat([Buffer.from(`${cookie} `), bencode(message)]);
    const reply = new Promise<BDict>((resolve, reject) =>
      this.#pending.set(cookie, { resolve, reject }),
    );
    try {
      for (let attempt = 1; ; attempt++) {
        this.#socket.send(datagram, this.endpoint.port, this.endpoint.host);
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), this.#timeoutMs);
        });
        const outcome = await Promise.race([reply, timeout]);
        clearTimeout(timer);
        if (outcome !== 'timeout') return outcome;
        if (attempt >= this.#attempts)
          throw new PalisadeError('overloaded', 'rtpengine did not answer', {
            details: { command: message.command },
          });
      }
    } finally {
      this.#pending.delete(cookie);
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const p of this.#pending.values())
      p.reject(new PalisadeError('overloaded', 'rtpengine client closed'));
    this.#pending.clear();
    this.#socket.close();
  }

  #onReply(msg: Buffer): void {
    if (msg.length > MAX_REPLY) return;
    const space = msg.indexOf(0x20);
    if (space <= 0 || space > 64) return;
    const pending = this.#pending.get(msg.toString('latin1', 0, space));
    if (!pending) return; // late, duplicate or foreign
    try {
      const value = bdecode(msg.subarray(space + 1));
      if (!isDict(value))
        throw new PalisadeError('bad_request', 'rtpengine reply is not a dictionary');
      pending.resolve(value);
    } catch (err) {
      pending.reject(err);
    }
  }
}
