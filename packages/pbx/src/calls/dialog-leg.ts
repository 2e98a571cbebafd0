/**
 * One confirmed dialog between the B2BUA and a phone: the caller's (we are
 * its UAS) or a callee's (we are its UAC). It sends in-dialog requests
 * (ACKing the 2xx of its own re-INVITEs, RFC 3261 §14.1) and, for 2xx we
 * send to INVITEs, retransmits them until the ACK comes (§13.3.1.4: T1
 * doubling up to T2, giving up after 64·T1).
 */
import type { Clock, TimerHandle } from '@palisade/common';
import { createResponse } from '@palisade/sip';
import type {
  Destination,
  Dialog,
  ExtraHeaders,
  InviteServerTransaction,
  SipRequest,
  SipResponse,
} from '@palisade/sip';
import type { LegId, MediaTransport } from '@palisade/media';
import type { LegParty } from './call-parties.ts';
import type { CallSignalling, FinalAnswer } from './call-signalling.ts';
import { CALL_ALLOW, CALL_SUPPORTED } from './call-signalling.ts';

const T1 = 500;
const T2 = 4000;

export interface DialogLegInit {
  readonly mediaLeg: LegId;
  readonly dialog: Dialog;
  readonly destination: Destination;
  /** The request or response that set up the dialog, for the peer's Allow. */
  readonly peerMessage: SipRequest | SipResponse;
  /** The SDP we last sent this phone. */
  readonly lastSdp: string;
  /** The RTP profile this phone speaks (WebRTC, SDES or plain): what later offers to it use. */
  readonly mediaTransport: MediaTransport;
  /** Whose phone this is (for busy lamps and presence). */
  readonly party: LegParty;
}

export class DialogLeg {
  /** The media engine leg this phone is on; a transfer may move a phone into another call's slot. */
  mediaLeg: LegId;
  readonly dialog: Dialog;
  readonly destination: Destination;
  readonly allowsUpdate: boolean;
  readonly mediaTransport: MediaTransport;
  /** Whose phone this is; it goes with the leg when a transfer moves it into another call. */
  readonly party: LegParty;
  lastSdp: string;
  readonly #signalling: CallSignalling;
  readonly #clock: Clock;
  #retransmit: TimerHandle | undefined;
  #giveUp: TimerHandle | undefined;
  #awaitingAck: number | undefined;
  /** Our offer in the 2xx now awaiting its ACK (a late offer, a re-INVITE without SDP): its answer comes in that ACK. */
  #offerInAck: string | undefined;

  constructor(signalling: CallSignalling, clock: Clock, init: DialogLegInit) {
    this.#signalling = signalling;
    this.#clock = clock;
    this.mediaLeg = init.mediaLeg;
    this.dialog = init.dialog;
    this.destination = init.destination;
    this.lastSdp = init.lastSdp;
    this.mediaTransport = init.mediaTransport;
    this.party = init.party;
    this.allowsUpdate = init.peerMessage.header('allow').some((m) => m.toUpperCase() === 'UPDATE');
  }

  /** Headers of every request and 2xx we send in this dialog. */
  commonHeaders(extra: ExtraHeaders = []): ExtraHeaders {
    return [['Allow', CALL_ALLOW], ['Supported', CALL_SUPPORTED], ...extra];
  }

  /** Sends an in-dialog request; a 2xx to an INVITE is ACKed here. */
  request(
    method: string,
    init: { body?: string | Buffer; contentType?: string; headers?: ExtraHeaders } = {},
  ): Promise<FinalAnswer> {
    const request = this.dialog.createRequest(method, {
      contact: [this.#signalling.contact(this.destination)],
      headers: this.commonHeaders(init.headers),
      ...(init.body
        ? { body: Buffer.from(init.body), contentType: init.contentType ?? 'application/sdp' }
        : {}),
    });
    const { final } = this.#signalling.request(request, this.destination, {
      onRetransmit: () => this.#ack(request),
    });
    return final.then((answer) => {
      if (answer.response.status < 300) {
        this.dialog.receiveResponse(request, answer.response);
        if (method === 'INVITE') this.#ack(request);
      }
      return answer;
    });
  }

  #ack(invite: SipRequest): void {
    this.#signalling.sendStateless(this.dialog.createAck(invite.cseq.seq), this.destination);
  }

  /**
   * Answers an INVITE of this phone (initial or re-INVITE) with a 2xx and
   * keeps it going until the ACK. `sdpIsOffer`: the INVITE had no offer, so
   * `sdp` is ours and the phone's answer is due in the ACK (RFC 3261 §13.2.1).
   */
  answerInvite(
    transaction: InviteServerTransaction,
    status: number,
    sdp: string,
    extra: ExtraHeaders,
    onAckTimeout: () => void,
    sdpIsOffer = false,
  ): void {
    const response = createResponse(transaction.request, status, {
      toTag: this.dialog.id.localTag,
      contact: [this.#signalling.contact(this.destination)],
      headers: this.commonHeaders(extra),
      body: Buffer.from(sdp),
      contentType: 'application/sdp',
    });
    this.lastSdp = sdp;
    transaction.respond(response);
    this.#stopRetransmit();
    this.#awaitingAck = transaction.request.cseq.seq;
    this.#offerInAck = sdpIsOffer ? sdp : undefined;
    if (!this.destination.reliable) {
      let interval = T1;
      const again = (): void => {
        transaction.respond(response);
        interval = Math.min(2 * interval, T2);
        this.#retransmit = this.#clock.setTimeout(again, interval);
      };
      this.#retransmit = this.#clock.setTimeout(again, interval);
    }
    this.#giveUp = this.#clock.setTimeout(() => {
      this.#stopRetransmit();
      onAckTimeout();
    }, 64 * T1);
  }

  /**
   * An ACK from this phone: stops the 2xx retransmissions of that INVITE.
   * Resolves to our offer of that 2xx when the ACK owes its answer (once).
   */
  ackReceived(ack: SipRequest): string | undefined {
    if (this.#awaitingAck !== ack.cseq.seq) return undefined;
    const offer = this.#offerInAck;
    this.#stopRetransmit();
    return offer;
  }

  get awaitingAck(): boolean {
    return this.#awaitingAck !== undefined;
  }

  #stopRetransmit(): void {
    this.#retransmit?.cancel();
    this.#giveUp?.cancel();
    this.#retransmit = undefined;
    this.#giveUp = undefined;
    this.#awaitingAck = undefined;
    this.#offerInAck = undefined;
  }

  /** Ends the dialog with BYE (best effort); idempotent. */
  bye(extra: ExtraHeaders = []): Promise<FinalAnswer | undefined> {
    this.close();
    if (this.dialog.state === 'terminated') return Promise.resolve(undefined);
    const answer = this.request('BYE', { headers: extra });
    this.dialog.terminate();
    return answer;
  }

  close(): void {
    this.#stopRetransmit();
  }
}
