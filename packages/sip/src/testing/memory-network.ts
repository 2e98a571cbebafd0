/**
 * An in-memory network for unit tests: endpoints exchange SIP messages as
 * bytes (serialised and parsed again, as on a wire) after a fixed latency on
 * the shared clock, with an optional filter to lose messages. No sockets.
 */
import { PalisadeError } from '@palisade/common';
import type { Clock } from '@palisade/common';
import { parseMessage } from '../message/message-parser.ts';
import type { SipMessage } from '../message/sip-message.ts';
import type { Destination, SipTransport, TransportName } from '../transaction/transport.ts';

export interface WireRecord {
  readonly at: number;
  readonly from: string;
  readonly to: string;
  readonly message: SipMessage;
  readonly dropped: boolean;
}

export type Receiver = (message: SipMessage, source: Destination) => void;

export class MemoryNetwork {
  readonly clock: Clock;
  readonly latency: number;
  readonly log: WireRecord[] = [];
  /** Return true to lose a message. */
  drop: (message: SipMessage, from: string, to: string) => boolean = () => false;
  /** Return true to make a send fail with a transport error (as an ICMP error or a reset would). */
  refuse: (message: SipMessage, from: string, to: string) => boolean = () => false;
  readonly #receivers = new Map<string, Receiver>();

  constructor(clock: Clock, latency = 1) {
    this.clock = clock;
    this.latency = latency;
  }

  /** A transport bound to `host:port`; `bind` later sets who receives. */
  endpoint(host: string, port: number, transport: TransportName = 'UDP'): MemoryTransport {
    return new MemoryTransport(this, host, port, transport);
  }

  listen(address: string, receiver: Receiver): void {
    this.#receivers.set(address, receiver);
  }

  deliver(
    message: SipMessage,
    from: MemoryTransport,
    to: Destination,
    onError: (e: PalisadeError) => void,
  ): void {
    const toAddress = `${to.host}:${to.port}`;
    const dropped = this.drop(message, from.address, toAddress);
    this.log.push({
      at: this.clock.monotonic(),
      from: from.address,
      to: toAddress,
      message,
      dropped,
    });
    if (dropped) return;
    const bytes = message.toBuffer();
    this.clock.setTimeout(() => {
      const receiver = this.#receivers.get(toAddress);
      if (!receiver || this.refuse(message, from.address, toAddress)) {
        onError(new PalisadeError('unavailable', 'destination unreachable'));
        return;
      }
      receiver(parseMessage(bytes), from.destination);
    }, this.latency);
  }

  /** Messages sent so far, optionally only from one address, as short labels like `INVITE` or `180`. */
  labels(from?: string): string[] {
    return this.log
      .filter((r) => from === undefined || r.from === from)
      .map((r) => (r.message.isRequest ? r.message.method : String(r.message.status)));
  }
}

export class MemoryTransport implements SipTransport {
  readonly network: MemoryNetwork;
  readonly host: string;
  readonly port: number;
  readonly transport: TransportName;

  constructor(network: MemoryNetwork, host: string, port: number, transport: TransportName) {
    this.network = network;
    this.host = host;
    this.port = port;
    this.transport = transport;
  }

  get address(): string {
    return `${this.host}:${this.port}`;
  }

  /** How peers reach this endpoint. */
  get destination(): Destination {
    return {
      transport: this.transport,
      host: this.host,
      port: this.port,
      reliable: this.transport !== 'UDP',
    };
  }

  send(
    message: SipMessage,
    destination: Destination,
    onError: (error: PalisadeError) => void,
  ): void {
    this.network.deliver(message, this, destination, onError);
  }

  sentBy(): { host: string; port: number } {
    return { host: this.host, port: this.port };
  }

  bind(receiver: Receiver): void {
    this.network.listen(this.address, receiver);
  }
}
