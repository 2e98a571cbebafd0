/**
 * What the transport hub needs from one connection of a reliable transport
 * (TCP, TLS, WS, WSS): where it leads, how to write on it, how to end it.
 */
import type { TransportName } from '@palisade/sip';

export interface SipConnection {
  readonly id: string;
  readonly transport: TransportName;
  /** The peer's IP address, without brackets. */
  readonly remoteHost: string;
  readonly remotePort: number;
  /** False once the connection is closing or closed. */
  readonly open: boolean;
  write(bytes: Buffer): void;
  /** Ends the connection; idempotent. */
  close(): void;
}

/** `[::1]` → `::1`; anything else unchanged. */
export function bareHost(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** The key under which a connection to `host:port` is found for reuse. */
export function remoteKey(transport: TransportName, host: string, port: number): string {
  return `${transport} ${bareHost(host).toLowerCase()} ${port}`;
}
