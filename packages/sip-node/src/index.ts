/**
 * @palisade/sip-node — SIP transports on Node sockets (UDP, TCP, TLS,
 * WebSocket/WSS) implementing @palisade/sip's `SipTransport`.
 */
export { SipNodeTransport } from './sip-node-transport.ts';
export type {
  BoundListener,
  ListenerSpec,
  ListenTransport,
  SipNodeTransportOptions,
} from './sip-node-transport.ts';
export { stampVia } from './inbound.ts';
