/**
 * One side of a relayed stream: the RTP and RTCP sockets facing one peer.
 *
 * Strict source (no "RTP bleed"): a packet is accepted only from an expected
 * address (the peer's SDP address or its signalling source). The first one
 * accepted latches the exact address and port; from then on everything from
 * any other address or port is dropped and counted, and nothing is ever sent
 * anywhere but the configured or latched peer, so a sweep of our ports gets
 * no reply. RTP and RTCP latch separately (a NAT maps them separately).
 *
 * Per packet: two compares, counters, and a send; SRTP only on SRTP legs.
 */
import type { Socket, RemoteInfo } from 'node:dgram';
import type { LegStats } from '../control/media-engine.ts';
import { SrtpContext } from '../srtp/srtp-context.ts';
import { isRtcp } from '../srtp/rtp-header.ts';
import type { SideConfig } from './worker-protocol.ts';

interface Latch {
  address: string;
  port: number;
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
  #replayWindow: number;

  packetsIn = 0;
  bytesIn = 0;
  packetsOut = 0;
  bytesOut = 0;
  droppedWrongSource = 0;
  droppedSrtp = 0;

  constructor(rtpSocket: Socket, rtcpSocket: Socket, port: number, replayWindow: number) {
    this.rtpSocket = rtpSocket;
    this.rtcpSocket = rtcpSocket;
    this.port = port;
    this.#replayWindow = replayWindow;
    rtpSocket.on('message', (msg, rinfo) => this.#receive(msg, rinfo, false));
    rtcpSocket.on('message', (msg, rinfo) => this.#receive(msg, rinfo, true));
  }

  configure(config: SideConfig): void {
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
    const opts = { replayWindow: this.#replayWindow };
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
      droppedSrtp: this.droppedSrtp,
    };
  }

  close(): void {
    this.rtpSocket.close();
    this.rtcpSocket.close();
  }

  #receive(msg: Buffer, rinfo: RemoteInfo, onRtcpSocket: boolean): void {
    const config = this.#config;
    const latch = onRtcpSocket ? this.#rtcpLatch : this.#rtpLatch;
    if (latch) {
      if (rinfo.port !== latch.port || rinfo.address !== latch.address) {
        this.droppedWrongSource++;
        return;
      }
    } else {
      if (!config || !config.expectedAddresses.includes(rinfo.address)) {
        this.droppedWrongSource++;
        return;
      }
      const learned = { address: rinfo.address, port: rinfo.port };
      if (onRtcpSocket) this.#rtcpLatch = learned;
      else this.#rtpLatch = learned;
    }
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
    const viaRtcpSocket = rtcp && !config.rtcpMux;
    const latch = viaRtcpSocket ? this.#rtcpLatch : this.#rtpLatch;
    const port = latch ? latch.port : viaRtcpSocket ? config.rtcpPort : config.rtpPort;
    const address = latch ? latch.address : config.address;
    if (port === 0 || address === '0.0.0.0' || address === '::') return;
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
    (viaRtcpSocket ? this.rtcpSocket : this.rtpSocket).send(out, port, address);
  }
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
