/**
 * What the transaction layer needs from a transport (the consumer owns the
 * interface; @palisade/sip-node implements it). `reliable` decides the
 * timers: retransmissions only over unreliable transports, and the
 * waiting timers D, I, J, K drop to zero over reliable ones (RFC 3261 §17).
 */
import type { PalisadeError } from '@palisade/common';
import type { SipMessage } from '../message/sip-message.ts';

export type TransportName = 'UDP' | 'TCP' | 'TLS' | 'SCTP' | 'WS' | 'WSS';

/** Where a message goes to or came from. */
export interface Destination {
  readonly transport: TransportName;
  readonly host: string;
  readonly port: number;
  readonly reliable: boolean;
  /** Set by connection-oriented transports so answers reuse the connection. */
  readonly connectionId?: string;
}

export interface SipTransport {
  /**
   * Sends one message. Failures (ICMP errors, refused or dropped
   * connections) are reported through `onError`, at once or later; after
   * that the transaction treats the peer as unreachable (§17.1.4, §17.2.4).
   */
  send(
    message: SipMessage,
    destination: Destination,
    onError: (error: PalisadeError) => void,
  ): void;
  /** The sent-by (RFC 3261 §18.1.1) to put in the Via of a request sent to `destination`. */
  sentBy(destination: Destination): { readonly host: string; readonly port: number };
}
