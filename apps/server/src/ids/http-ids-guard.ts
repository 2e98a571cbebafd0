/**
 * The HTTPS side of intrusion prevention: banned sources are cut at
 * 'connection' before TLS; connections are capped per source and in total
 * (what a slowloris needs); every connection counts for the handshake-flood
 * rule and every request for the HTTP flood rule; beyond `maxInFlight`
 * requests at once the API answers 503 instead of queueing; clients too
 * slow to send a request are reported (slow-client rule).
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { normalizeAddress } from '@palisade/security';
import type { HttpGuard } from '../http/https-listeners.ts';
import type { Ids } from './build-ids.ts';

export interface HttpGuardLimits {
  readonly maxConnections: number;
  readonly maxConnectionsPerSource: number;
  readonly maxInFlight: number;
}

export class HttpIdsGuard implements HttpGuard {
  readonly #ids: Ids;
  readonly #limits: HttpGuardLimits;
  readonly #perSource = new Map<string, number>();
  #connections = 0;
  #inFlight = 0;

  constructor(ids: Ids, limits: HttpGuardLimits) {
    this.#ids = ids;
    this.#limits = limits;
  }

  admitConnection(socket: Socket): boolean {
    const raw = socket.remoteAddress;
    if (raw === undefined) return false;
    const { detector, metrics } = this.#ids;
    if (detector.isBanned(raw)) {
      metrics.inc('palisade_ids_dropped_total', { service: 'http', reason: 'banned' });
      return false;
    }
    const address = normalizeAddress(raw);
    const mine = this.#perSource.get(address) ?? 0;
    if (
      this.#connections >= this.#limits.maxConnections ||
      mine >= this.#limits.maxConnectionsPerSource
    ) {
      metrics.inc('palisade_ids_dropped_total', { service: 'http', reason: 'connection-cap' });
      return false;
    }
    if (detector.report({ source: address, service: 'http', kind: 'handshake' }).drop) return false;
    this.#connections++;
    this.#perSource.set(address, mine + 1);
    socket.once('close', () => {
      this.#connections--;
      const n = (this.#perSource.get(address) ?? 1) - 1;
      if (n > 0) this.#perSource.set(address, n);
      else this.#perSource.delete(address);
    });
    return true;
  }

  admitRequest(req: IncomingMessage): 'pass' | 'drop' | 'busy' {
    const address = req.socket.remoteAddress ?? '';
    const { detector, metrics } = this.#ids;
    if (detector.report({ source: address, service: 'http', kind: 'request' }).drop) return 'drop';
    this.#inFlight++;
    if (this.#inFlight > this.#limits.maxInFlight) {
      metrics.inc('palisade_ids_overload_total', { service: 'http' });
      return 'busy';
    }
    return 'pass';
  }

  requestDone(): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
  }

  slowClient(address: string | undefined): void {
    if (address)
      this.#ids.detector.report({ source: address, service: 'http', kind: 'slow-client' });
  }
}
