/**
 * The SIP side of intrusion prevention, between the transports and the
 * transaction layer:
 * - before parsing: banned sources are dropped (UDP) or refused
 *   (TCP/TLS/WS connections), and every new connection counts for the
 *   handshake-flood rule;
 * - unparseable messages count for the malformed rule;
 * - a WebSocket connection closed for its message rate counts for ws-flood;
 * - parsed requests: a scanner user agent is dropped silently, every
 *   request counts for the flood rule, and beyond the global request rate
 *   the answer is 503 with Retry-After (RFC 3261 §21.5.4) instead of a queue.
 */
import type { Clock } from '@palisade/common';
import type { IdsService } from '@palisade/security';
import { createResponse } from '@palisade/sip';
import type { Destination, SipMessage, SipResponse, TransportName } from '@palisade/sip';
import type { Ids } from './build-ids.ts';

export type GuardVerdict =
  | { readonly kind: 'pass' }
  | { readonly kind: 'drop' }
  | { readonly kind: 'reply'; readonly response: SipResponse };

const PASS: GuardVerdict = { kind: 'pass' };
const DROP: GuardVerdict = { kind: 'drop' };

function serviceOf(transport: TransportName): IdsService {
  return transport === 'WS' || transport === 'WSS' ? 'ws' : 'sip';
}

export class SipIdsGuard {
  readonly #ids: Ids;
  readonly #clock: Clock;
  readonly #maxPerSecond: number;
  #second = -1;
  #countThisSecond = 0;

  constructor(ids: Ids, clock: Clock, maxRequestsPerSecond: number) {
    this.#ids = ids;
    this.#clock = clock;
    this.#maxPerSecond = maxRequestsPerSecond;
  }

  /** Before any parsing; per datagram (UDP) or per connection. */
  readonly admitSource = (address: string, transport: TransportName): boolean => {
    const { detector } = this.#ids;
    if (detector.isBanned(address)) {
      this.#ids.metrics.inc('palisade_ids_dropped_total', {
        service: serviceOf(transport),
        reason: 'banned',
      });
      return false;
    }
    if (transport === 'UDP') return true;
    return !detector.report({ source: address, service: serviceOf(transport), kind: 'handshake' })
      .drop;
  };

  readonly onRejected = (source: Destination): void => {
    this.#ids.detector.report({
      source: source.host,
      service: serviceOf(source.transport),
      kind: 'malformed',
    });
  };

  /** A WebSocket connection closed for sending faster than its message rate cap. */
  readonly onMessageFlood = (source: Destination): void => {
    this.#ids.metrics.inc('palisade_ids_dropped_total', {
      service: 'ws',
      reason: 'message-rate',
    });
    this.#ids.detector.report({ source: source.host, service: 'ws', kind: 'message-flood' });
  };

  inspect(message: SipMessage, source: Destination): GuardVerdict {
    if (!message.isRequest) return this.#ids.detector.isBanned(source.host) ? DROP : PASS;
    const { detector, scanners } = this.#ids;
    const service = serviceOf(source.transport);
    const uri = message.from.uri;
    const user = 'user' in uri ? uri.user : undefined;
    const ua = message.raw('user-agent')[0];
    if (scanners.matches(ua)) {
      detector.report({ source: source.host, service, kind: 'scanner', ...(user ? { user } : {}) });
      return DROP;
    }
    if (
      detector.report({ source: source.host, service, kind: 'request', ...(user ? { user } : {}) })
        .drop
    )
      return DROP;
    if (message.method !== 'ACK' && this.#overloaded()) {
      this.#ids.metrics.inc('palisade_ids_overload_total', { service });
      return {
        kind: 'reply',
        response: createResponse(message, 503, { headers: [['Retry-After', '5']] }),
      };
    }
    return PASS;
  }

  #overloaded(): boolean {
    const second = Math.floor(this.#clock.monotonic() / 1000);
    if (second !== this.#second) {
      this.#second = second;
      this.#countThisSecond = 0;
    }
    return ++this.#countThisSecond > this.#maxPerSecond;
  }
}
