/**
 * Every live connection of the reliable transports, findable by id (for
 * responses, RFC 3261 §18.2.2) and by remote address (connection reuse,
 * RFC 3261 §18.1.1 / RFC 5923 style), with the global and per-source caps
 * checked before a connection is accepted.
 */
import { remoteKey } from './connection.ts';
import type { SipConnection } from './connection.ts';

export interface ConnectionCaps {
  /** All connections together (inbound and outbound). */
  readonly maxConnections: number;
  /** Inbound connections from one IP address. */
  readonly maxConnectionsPerSource: number;
}

export class ConnectionTable {
  readonly #caps: ConnectionCaps;
  readonly #byId = new Map<string, SipConnection>();
  readonly #byRemote = new Map<string, SipConnection>();
  /** Admitted slots per source address, held from accept (before any handshake) to close. */
  readonly #perSource = new Map<string, number>();
  #admitted = 0;

  constructor(caps: ConnectionCaps) {
    this.#caps = caps;
  }

  get size(): number {
    return this.#admitted;
  }

  /**
   * Takes a slot for a new connection from `source`; false when a cap is
   * reached (the caller refuses the connection). Every true must be paired
   * with one `release(source)`.
   */
  admit(source: string, inbound = true): boolean {
    if (this.#admitted >= this.#caps.maxConnections) return false;
    const held = this.#perSource.get(source) ?? 0;
    if (inbound && held >= this.#caps.maxConnectionsPerSource) return false;
    this.#admitted++;
    this.#perSource.set(source, held + 1);
    return true;
  }

  release(source: string): void {
    const held = this.#perSource.get(source) ?? 0;
    if (held <= 0) return;
    this.#admitted--;
    if (held === 1) this.#perSource.delete(source);
    else this.#perSource.set(source, held - 1);
  }

  add(connection: SipConnection): void {
    this.#byId.set(connection.id, connection);
    this.#byRemote.set(
      remoteKey(connection.transport, connection.remoteHost, connection.remotePort),
      connection,
    );
  }

  remove(connection: SipConnection): void {
    if (this.#byId.get(connection.id) === connection) this.#byId.delete(connection.id);
    const key = remoteKey(connection.transport, connection.remoteHost, connection.remotePort);
    if (this.#byRemote.get(key) === connection) this.#byRemote.delete(key);
  }

  byId(id: string): SipConnection | undefined {
    const c = this.#byId.get(id);
    return c?.open ? c : undefined;
  }

  byRemote(key: string): SipConnection | undefined {
    const c = this.#byRemote.get(key);
    return c?.open ? c : undefined;
  }

  all(): SipConnection[] {
    return [...this.#byId.values()];
  }
}
