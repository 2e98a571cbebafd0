/**
 * RFC 5426: syslog over UDP, one SYSLOG-MSG per datagram, no framing and no
 * delivery guarantee (what is sent while the collector is down is lost).
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { Logger } from '@palisade/common';
import type { FormattedMessage } from './rfc5424-format.ts';
import type { UdpTargetConfig } from './syslog-config.ts';
import { describeError, type SyslogTarget, type TargetStats } from './syslog-target.ts';

export class UdpTarget implements SyslogTarget {
  readonly name: string;
  readonly #config: UdpTargetConfig;
  readonly #logger: Logger;
  #socket: Socket | undefined;
  #inflight = 0;
  #idle: (() => void)[] = [];
  #sent = 0;
  #errors = 0;
  #lastError: string | undefined;
  #closed = false;

  constructor(name: string, config: UdpTargetConfig, logger: Logger) {
    this.name = name;
    this.#config = config;
    this.#logger = logger;
  }

  #open(): Socket {
    if (this.#socket) return this.#socket;
    const socket = createSocket(isIPv6(this.#config.host) ? 'udp6' : 'udp4');
    socket.on('error', (err) => this.#fail(err));
    socket.unref();
    this.#socket = socket;
    return socket;
  }

  #fail(err: unknown): void {
    this.#errors++;
    const described = describeError(err);
    if (described !== this.#lastError)
      this.#logger.warn('syslog: UDP send failed', { target: this.name, error: described });
    this.#lastError = described;
  }

  send(message: FormattedMessage): void {
    if (this.#closed) return;
    this.#inflight++;
    this.#open().send(
      Buffer.from(message.line, 'utf8'),
      this.#config.port,
      this.#config.host,
      (err) => {
        if (err) this.#fail(err);
        else {
          this.#sent++;
          this.#lastError = undefined;
        }
        if (--this.#inflight === 0) for (const done of this.#idle.splice(0)) done();
      },
    );
  }

  flush(): Promise<void> {
    if (this.#inflight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.flush();
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  stats(): TargetStats {
    return {
      name: this.name,
      kind: 'udp',
      state: this.#lastError ? 'down' : 'up',
      sent: this.#sent,
      resent: 0,
      dropped: this.#errors,
      errors: this.#errors,
      queued: 0,
      queuedBytes: 0,
      ...(this.#lastError ? { lastError: this.#lastError } : {}),
    };
  }
}
