/** What every transport offers the sink. */
import type { FormattedMessage } from './rfc5424-format.ts';

export interface TargetStats {
  readonly name: string;
  readonly kind: 'local' | 'udp' | 'tcp' | 'tls';
  /** `up`, `down`, or for TCP/TLS the connection state. */
  readonly state: string;
  /** Messages handed to the socket (resends included). */
  readonly sent: number;
  /** Messages resent after a reconnect, marked `resent="1"`. */
  readonly resent: number;
  /** Messages that could not be sent or were dropped from a full queue. */
  readonly dropped: number;
  readonly errors: number;
  readonly queued: number;
  readonly queuedBytes: number;
  readonly lastError?: string;
}

export interface SyslogTarget {
  readonly name: string;
  send(message: FormattedMessage): void;
  /** Resolves when what can be written now is written (and queued messages are on disk). */
  flush(): Promise<void>;
  /** Stops timers and closes sockets; idempotent. */
  close(): Promise<void>;
  stats(): TargetStats;
}

/** A short, secret-free description of a socket error for logs and stats. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}
