/**
 * The local syslog daemon over its unix datagram socket (`/dev/log`). Node has
 * no unix datagram sockets, so the `unix-dgram` native module provides them;
 * it is loaded on first use, and when it or the socket is missing we say so
 * once and carry on (each message sent meanwhile is counted as dropped).
 */
import { createRequire } from 'node:module';
import { getSystemErrorName } from 'node:util';
import type { Logger } from '@palisade/common';
import type { FormattedMessage } from './rfc5424-format.ts';
import type { LocalTargetConfig } from './syslog-config.ts';
import { describeError, type SyslogTarget, type TargetStats } from './syslog-target.ts';

interface UnixDgramSocket {
  send(buf: Buffer, offset: number, length: number, path: string, cb: (err?: Error) => void): void;
  on(event: 'error', listener: (err: Error) => void): void;
  close(): void;
}

interface UnixDgramModule {
  createSocket(type: 'unix_dgram'): UnixDgramSocket;
}

/** unix-dgram reports errno as a negative number in `code`; name it. */
function describeUnixError(err: unknown): string {
  const code = (err as { code?: unknown } | undefined)?.code;
  if (typeof code === 'number' && code < 0) return getSystemErrorName(code);
  if (code === 1) return 'EAGAIN: socket congested';
  return describeError(err);
}

export class LocalTarget implements SyslogTarget {
  readonly name: string;
  readonly #config: LocalTargetConfig;
  readonly #logger: Logger;
  #socket: UnixDgramSocket | undefined;
  #unavailable = false;
  #sent = 0;
  #dropped = 0;
  #lastError: string | undefined;
  #closed = false;

  constructor(name: string, config: LocalTargetConfig, logger: Logger) {
    this.name = name;
    this.#config = config;
    this.#logger = logger;
  }

  #open(): UnixDgramSocket | undefined {
    if (this.#socket || this.#unavailable) return this.#socket;
    try {
      const require = createRequire(import.meta.url);
      const mod = require('unix-dgram') as UnixDgramModule;
      const socket = mod.createSocket('unix_dgram');
      socket.on('error', (err) => this.#down(err));
      this.#socket = socket;
    } catch (err) {
      this.#unavailable = true;
      this.#down(err);
    }
    return this.#socket;
  }

  #down(err: unknown): void {
    this.#dropped++;
    const described = describeUnixError(err);
    if (this.#lastError === undefined)
      this.#logger.warn('syslog: local socket unavailable, messages to it are dropped', {
        path: this.#config.path,
        error: described,
      });
    this.#lastError = described;
  }

  send(message: FormattedMessage): void {
    if (this.#closed) return;
    const socket = this.#open();
    if (!socket) {
      this.#dropped++;
      return;
    }
    const buf = Buffer.from(message.line, 'utf8');
    socket.send(buf, 0, buf.length, this.#config.path, (err) => {
      if (err) return this.#down(err);
      this.#sent++;
      if (this.#lastError !== undefined)
        this.#logger.info('syslog: local socket available again', { path: this.#config.path });
      this.#lastError = undefined;
    });
  }

  flush(): Promise<void> {
    // Datagrams are handed to the kernel synchronously.
    return Promise.resolve();
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#socket?.close();
      this.#socket = undefined;
    }
    return Promise.resolve();
  }

  stats(): TargetStats {
    return {
      name: this.name,
      kind: 'local',
      state: this.#lastError === undefined ? 'up' : 'down',
      sent: this.#sent,
      resent: 0,
      dropped: this.#dropped,
      errors: this.#dropped,
      queued: 0,
      queuedBytes: 0,
      ...(this.#lastError === undefined ? {} : { lastError: this.#lastError }),
    };
  }
}
