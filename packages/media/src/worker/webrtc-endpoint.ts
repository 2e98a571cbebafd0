/**
 * The WebRTC half of a relay side: one muxed port carrying STUN, DTLS, SRTP
 * and SRTCP (RFC 7983 demultiplexing by first byte).
 *
 * Strict source for WebRTC: the peer's address is learned only from an ICE
 * connectivity check that authenticates with our ice-pwd (ICE-lite, we are
 * controlled). The first valid check sets the peer; a later valid check
 * with USE-CANDIDATE (the controlling agent's nomination) may move it.
 * DTLS and media are accepted only from that address, media only once the
 * DTLS handshake has produced SRTP keys, and nothing is ever sent before.
 */
import type { RemoteInfo } from 'node:dgram';
import { classifyPacket } from '../webrtc/demux.ts';
import { answerCheck, isBindingIndication } from '../webrtc/ice-lite.ts';
import { DtlsLeg } from '../webrtc/dtls-leg.ts';
import type { DtlsKeys } from '../webrtc/dtls-leg.ts';
import type { WebrtcSideConfig } from './worker-protocol.ts';

export interface WebrtcPeer {
  readonly address: string;
  readonly port: number;
}

export type WebrtcVerdict = 'media' | 'handled' | 'dropped';

export interface WebrtcEndpointHooks {
  readonly send: (packet: Buffer, peer: WebrtcPeer) => void;
  readonly onKeys: (keys: DtlsKeys) => void;
  readonly onFailure: (reason: string) => void;
}

export interface DtlsIdentity {
  readonly certPem: string;
  readonly keyPem: string;
}

export class WebrtcEndpoint {
  #config: WebrtcSideConfig;
  readonly #identity: DtlsIdentity;
  readonly #hooks: WebrtcEndpointHooks;
  #peer: WebrtcPeer | undefined;
  #nominated = false;
  #dtls: DtlsLeg | undefined;
  #keyed = false;

  constructor(config: WebrtcSideConfig, identity: DtlsIdentity, hooks: WebrtcEndpointHooks) {
    this.#config = config;
    this.#identity = identity;
    this.#hooks = hooks;
  }

  get config(): WebrtcSideConfig {
    return this.#config;
  }

  /** New ICE credentials for the same DTLS association (the fingerprint and role are unchanged). */
  updateIce(config: WebrtcSideConfig): void {
    this.#config = config;
  }

  /** The ICE-verified peer, once SRTP is keyed: the only destination for media. */
  get mediaPeer(): WebrtcPeer | undefined {
    return this.#keyed ? this.#peer : undefined;
  }

  accept(msg: Buffer, from: RemoteInfo): WebrtcVerdict {
    const kind = classifyPacket(msg);
    if (kind === 'stun') return this.#stun(msg, from);
    const peer = this.#peer;
    if (!peer || from.port !== peer.port || from.address !== peer.address) return 'dropped';
    if (kind === 'dtls') {
      this.#dtls?.receive(msg);
      return 'handled';
    }
    return kind === 'rtp' && this.#keyed ? 'media' : 'dropped';
  }

  close(): void {
    this.#dtls?.close();
    this.#dtls = undefined;
  }

  #stun(msg: Buffer, from: RemoteInfo): WebrtcVerdict {
    const peer = this.#peer;
    const fromPeer = peer !== undefined && from.port === peer.port && from.address === peer.address;
    if (isBindingIndication(msg)) return fromPeer ? 'handled' : 'dropped';
    const check = answerCheck(msg, from, this.#config);
    if (!check.ok) return 'dropped';
    const here = { address: from.address, port: from.port };
    // The first nomination may move the peer; later ones change nothing.
    const nominate = check.nominated && !this.#nominated;
    if (!peer || (nominate && !fromPeer)) this.#peer = here;
    if (nominate) this.#nominated = true;
    this.#hooks.send(check.response, here);
    if (!this.#dtls) this.#startDtls();
    return 'handled';
  }

  #startDtls(): void {
    this.#dtls = new DtlsLeg({
      role: this.#config.dtlsRole,
      certPem: this.#identity.certPem,
      keyPem: this.#identity.keyPem,
      remoteFingerprint: this.#config.remoteFingerprint,
      send: (packet) => {
        if (this.#peer) this.#hooks.send(packet, this.#peer);
      },
      onKeys: (keys) => {
        this.#keyed = true;
        this.#hooks.onKeys(keys);
      },
      onFailure: (reason) => this.#hooks.onFailure(reason),
    });
  }
}
