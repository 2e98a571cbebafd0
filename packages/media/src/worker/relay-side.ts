/**
 * One side of a relayed stream: the RTP and RTCP sockets facing one peer.
 *
 * Strict source (no "RTP bleed"): a packet is accepted only from an expected
 * address (the peer's SDP address or its signalling source). The first one
 * accepted latches the exact address and port; from then on everything from
 * any other address or port is dropped and counted, and nothing is ever sent
 * anywhere but the configured or latched peer, so a sweep of our ports gets
 * no reply. RTP and RTCP latch separately (a NAT maps them separately).
 * Before a side is configured it has no peer and drops everything, counted
 * apart (`droppedEarly`): that is the answerer itself, sending as it answers.
 *
 * Per packet: two compares, counters, and a send; SRTP only on SRTP legs.
 * Where to send before latching is worked out when the side is configured:
 * nothing for port 0, a 0.0.0.0 or :: hold, or a c= address that is not an
 * IP literal (a host name is never resolved by the relay; such a peer gets
 * media once its first packet has latched it).
 */
import type { Socket, RemoteInfo } from 'node:dgram';
import { isIP } from 'node:net';
import type { LegStats } from '../control/media-engine.ts';
import { SrtpContext } from '../srtp/srtp-context.ts';
import { isRtcp } from '../srtp/rtp-header.ts';
import type { SideConfig, WebrtcSideConfig } from './worker-protocol.ts';
import type { DtlsIdentity, WebrtcEndpoint } from './webrtc-endpoint.ts';

/** The WebRTC endpoint class, loaded by the registry with the first WebRTC leg (it pulls in werift). */
export type WebrtcEndpointClass = typeof WebrtcEndpoint;

export interface RelaySideOptions {
  readonly replayWindow: number;
  readonly dtls?: DtlsIdentity;
  /** A WebRTC leg failed (DTLS, fingerprint): the session must end. */
  readonly onFailure: (reason: string) => void;
  /** A plain (S)RTP packet dropped for its source: for the intrusion detector. */
  readonly onWrongSource?: (address: string) => void;
}

interface Latch {
  readonly address: string;
  readonly port: number;
}

/** Where the SDP says to send, or undefined when it says nowhere we may send to. */
function sdpTarget(address: string, port: number): Latch | undefined {
  if (port === 0 || address === '0.0.0.0' || address === '::' || isIP(address) === 0)
    return undefined;
  return { address, port };
}

export class RelaySide {
  readonly rtpSocket: Socket;
  readonly rtcpSocket: Socket;
  readonly port: number;
  other: RelaySide | undefined;
  /** Set on every accepted packet; the timeout sweep reads and clears it. */
  active = false;
  configured = false;

  #config: SideConfig | undefined;
  #decrypt: SrtpContext | undefined;
  #encrypt: SrtpContext | undefined;
  #rtpLatch: Latch | undefined;
  #rtcpLatch: Latch | undefined;
  /** Destinations before latching, from the SDP (see sdpTarget). */
  #rtpTarget: Latch | undefined;
  #rtcpTarget: Latch | undefined;
  readonly #options: RelaySideOptions;
  #webrtc: WebrtcEndpoint | undefined;

  packetsIn = 0;
  bytesIn = 0;
  packetsOut = 0;
  bytesOut = 0;
  droppedWrongSource = 0;
  droppedEarly = 0;
  droppedSrtp = 0;

  constructor(rtpSocket: Socket, rtcpSocket: Socket, port: number, options: RelaySideOptions) {
    this.rtpSocket = rtpSocket;
    this.rtcpSocket = rtcpSocket;
    this.port = port;
    this.#options = options;
    rtpSocket.on('message', (msg, rinfo) => this.#receive(msg, rinfo, false));
    rtcpSocket.on('message', (msg, rinfo) => this.#receive(msg, rinfo, true));
  }

  /** `webrtc` is the endpoint class, given whenever `config.webrtc` is set. */
  configure(config: SideConfig, webrtc?: WebrtcEndpointClass): void {
    const old = this.#config;
    // A new peer address or port (re-INVITE, transfer) must be learned afresh.
    if (
      !old ||
      old.address !== config.address ||
      old.rtpPort !== config.rtpPort ||
      old.rtcpPort !== config.rtcpPort ||
      old.expectedAddresses.join() !== config.expectedAddresses.join()
    ) {
      this.#rtpLatch = undefined;
      this.#rtcpLatch = undefined;
    }
    this.#rtpTarget = sdpTarget(config.address, config.rtpPort);
    this.#rtcpTarget = sdpTarget(config.address, config.rtcpPort);
    if (config.webrtc || this.#webrtc) {
      this.#configureWebrtc(config.webrtc, webrtc);
      this.#config = config;
      this.configured = true;
      if (config.webrtc) return;
    }
    const opts = { replayWindow: this.#options.replayWindow };
    if (!sameKey(old?.decrypt, config.decrypt))
      this.#decrypt = config.decrypt ? new SrtpContext(config.decrypt, opts) : undefined;
    if (!sameKey(old?.encrypt, config.encrypt))
      this.#encrypt = config.encrypt ? new SrtpContext(config.encrypt, opts) : undefined;
    this.#config = config;
    this.configured = true;
  }

  stats(): LegStats {
    return {
      packetsIn: this.packetsIn,
      bytesIn: this.bytesIn,
      packetsOut: this.packetsOut,
      bytesOut: this.bytesOut,
      droppedWrongSource: this.droppedWrongSource,
      droppedEarly: this.droppedEarly,
      droppedSrtp: this.droppedSrtp,
    };
  }

  close(): void {
    this.#webrtc?.close();
    this.rtpSocket.close();
    this.rtcpSocket.close();
  }

  #configureWebrtc(next: WebrtcSideConfig | undefined, Endpoint?: WebrtcEndpointClass): void {
    const now = this.#webrtc?.config;
    if (now && next && sameDtls(now, next)) {
      // Same DTLS association: new ICE credentials (a restart) keep the keys and the peer.
      this.#webrtc?.updateIce(next);
      return;
    }
    // New credentials or fingerprint (or no longer WebRTC): start over, unkeyed.
    this.#webrtc?.close();
    this.#webrtc = undefined;
    this.#decrypt = undefined;
    this.#encrypt = undefined;
    this.#rtpLatch = undefined;
    this.#rtcpLatch = undefined;
    const identity = this.#options.dtls;
    if (!next) return;
    if (!identity || !Endpoint) {
      this.#options.onFailure('no DTLS certificate in this relay');
      return;
    }
    const opts = { replayWindow: this.#options.replayWindow };
    this.#webrtc = new Endpoint(next, identity, {
      send: (packet, peer) => this.rtpSocket.send(packet, peer.port, peer.address),
      onKeys: (keys) => {
        this.#decrypt = new SrtpContext(keys.remote, opts);
        this.#encrypt = new SrtpContext(keys.local, opts);
      },
      onFailure: (reason) => this.#options.onFailure(reason),
    });
  }

  #receive(msg: Buffer, rinfo: RemoteInfo, onRtcpSocket: boolean): void {
    if (this.#webrtc) {
      this.#receiveWebrtc(this.#webrtc, msg, rinfo, onRtcpSocket);
      return;
    }
    const config = this.#config;
    if (!config) {
      // No peer yet: the answerer starts sending (RTP, a browser's ICE checks) as it
      // answers, before its answer has configured this side. Not a wrong source.
      this.droppedEarly++;
      return;
    }
    const latch = onRtcpSocket ? this.#rtcpLatch : this.#rtpLatch;
    if (latch) {
      if (rinfo.port !== latch.port || rinfo.address !== latch.address) {
        // the peer itself on a new port (a NAT rebinding) is dropped but not reported
        this.#wrongSource(rinfo.address === latch.address ? undefined : rinfo.address);
        return;
      }
    } else {
      if (!config.expectedAddresses.includes(rinfo.address)) {
        this.#wrongSource(rinfo.address);
        return;
      }
      const learned = { address: rinfo.address, port: rinfo.port };
      if (onRtcpSocket) this.#rtcpLatch = learned;
      else this.#rtpLatch = learned;
    }
    this.#relay(msg, onRtcpSocket);
  }

  #wrongSource(address: string | undefined): void {
    this.droppedWrongSource++;
    if (address !== undefined) this.#options.onWrongSource?.(address);
  }

  /** Everything on a WebRTC leg comes in on the RTP port (rtcp-mux is mandatory). */
  #receiveWebrtc(
    endpoint: WebrtcEndpoint,
    msg: Buffer,
    rinfo: RemoteInfo,
    onRtcpSocket: boolean,
  ): void {
    const verdict = onRtcpSocket ? 'dropped' : endpoint.accept(msg, rinfo);
    if (verdict === 'dropped') {
      this.droppedWrongSource++;
      return;
    }
    this.active = true;
    if (verdict === 'media') this.#relay(msg, false);
  }

  #relay(msg: Buffer, onRtcpSocket: boolean): void {
    this.packetsIn++;
    this.bytesIn += msg.length;
    this.active = true;
    const rtcp = onRtcpSocket || isRtcp(msg);
    let packet: Buffer = msg;
    if (this.#decrypt) {
      const plain = rtcp ? this.#decrypt.unprotectRtcp(msg) : this.#decrypt.unprotectRtp(msg);
      if (typeof plain === 'string') {
        this.droppedSrtp++;
        return;
      }
      packet = plain;
    }
    this.other?.send(packet, rtcp);
  }

  /** Sends a plain RTP or RTCP packet to this side's peer, encrypting if it speaks SRTP. */
  send(packet: Buffer, rtcp: boolean): void {
    const config = this.#config;
    if (!config) return;
    if (this.#webrtc) {
      this.#sendWebrtc(this.#webrtc, packet, rtcp);
      return;
    }
    const viaRtcpSocket = rtcp && !config.rtcpMux;
    const to = viaRtcpSocket
      ? (this.#rtcpLatch ?? this.#rtcpTarget)
      : (this.#rtpLatch ?? this.#rtpTarget);
    if (!to) return;
    let out = packet;
    if (this.#encrypt) {
      try {
        out = rtcp ? this.#encrypt.protectRtcp(packet) : this.#encrypt.protectRtp(packet);
      } catch {
        // Not RTP/RTCP, or an index already used (keystream reuse): never sent.
        this.droppedSrtp++;
        return;
      }
    }
    this.packetsOut++;
    this.bytesOut += out.length;
    (viaRtcpSocket ? this.rtcpSocket : this.rtpSocket).send(out, to.port, to.address);
  }

  /** Media to a WebRTC peer goes only to the ICE-verified address, only once keyed. */
  #sendWebrtc(endpoint: WebrtcEndpoint, packet: Buffer, rtcp: boolean): void {
    const peer = endpoint.mediaPeer;
    const encrypt = this.#encrypt;
    if (!peer || !encrypt) return;
    let out: Buffer;
    try {
      out = rtcp ? encrypt.protectRtcp(packet) : encrypt.protectRtp(packet);
    } catch {
      this.droppedSrtp++;
      return;
    }
    this.packetsOut++;
    this.bytesOut += out.length;
    this.rtpSocket.send(out, peer.port, peer.address);
  }
}

function sameDtls(a: WebrtcSideConfig, b: WebrtcSideConfig): boolean {
  return (
    a.dtlsRole === b.dtlsRole &&
    a.remoteFingerprint.hashFunction === b.remoteFingerprint.hashFunction &&
    a.remoteFingerprint.value === b.remoteFingerprint.value
  );
}

function sameKey(
  a: SideConfig['decrypt'] | undefined,
  b: SideConfig['decrypt'] | undefined,
): boolean {
  if (!a || !b) return a === b;
  return (
    a.suite === b.suite &&
    Buffer.compare(a.masterKey, b.masterKey) === 0 &&
    Buffer.compare(a.masterSalt, b.masterSalt) === 0
  );
}
