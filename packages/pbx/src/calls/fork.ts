/**
 * One branch of a call towards one registered contact of the callee
 * (RFC 3261 §16.6-style forking done by a UA: each branch is our own
 * INVITE client transaction with its own Call-ID and From tag).
 *
 *   calling ──1xx──▶ early ──2xx (ACK sent)──▶ answered
 *     │  │            │  │
 *     │  │ ≥300,      │  └──cancel()──┐
 *     │  │ timeout    │ ≥300          ▼
 *     │  ▼            ▼           cancelling ──any final──▶ cancelled
 *     │ failed ◀──────┘               ▲        (a 2xx that raced the CANCEL
 *     └────────cancel()───────────────┘         gets ACK + BYE, §15 / §9.1)
 *
 * A reliable provisional (RFC 3262 §4: `Require: 100rel` and RSeq) is
 * PRACKed in its early dialog, which the 2xx of the same To tag then
 * confirms (so the PRACK's CSeq is not used again); a retransmitted or
 * out-of-order one is neither PRACKed nor passed on.
 */
import {
  Dialog,
  ReliableProvisionalReceiver,
  StateMachine,
  isReliableProvisional,
} from '@palisade/sip';
import type { SipRequest, SipResponse, TransitionTable } from '@palisade/sip';
import type { CallSignalling } from './call-signalling.ts';
import type { CallTarget } from './call-ports.ts';

export type ForkState = 'calling' | 'early' | 'answered' | 'failed' | 'cancelling' | 'cancelled';

export const FORK_TRANSITIONS: TransitionTable<ForkState> = {
  calling: ['early', 'answered', 'failed', 'cancelling'],
  early: ['answered', 'failed', 'cancelling'],
  answered: [],
  failed: [],
  cancelling: ['cancelled'],
  cancelled: [],
};

export interface ForkOwner {
  provisional(fork: Fork, response: SipResponse): void;
  /** The branch answered; its ACK has gone out and `dialog` is confirmed. */
  answered(fork: Fork, response: SipResponse, dialog: Dialog): void;
  /** The branch ended without a call: a final ≥ 300, a timeout (408) or a transport error (503). */
  failed(fork: Fork, response: SipResponse): void;
}

export class Fork {
  readonly target: CallTarget;
  readonly request: SipRequest;
  readonly #signalling: CallSignalling;
  readonly #owner: ForkOwner;
  readonly #machine = new StateMachine<ForkState>('fork', 'calling', FORK_TRANSITIONS);
  #ack: SipRequest | undefined;
  readonly #reliable = new ReliableProvisionalReceiver();
  /** Early dialogs by the callee's To tag (the ones we PRACKed in). */
  readonly #early = new Map<string, Dialog>();
  #transaction: ReturnType<CallSignalling['request']>['transaction'] | undefined;

  constructor(
    signalling: CallSignalling,
    target: CallTarget,
    request: SipRequest,
    owner: ForkOwner,
  ) {
    this.#signalling = signalling;
    this.target = target;
    this.request = request;
    this.#owner = owner;
  }

  get state(): ForkState {
    return this.#machine.state;
  }

  start(): void {
    const { transaction, final } = this.#signalling.request(this.request, this.target.destination, {
      onProvisional: (r) => this.#provisional(r),
      onRetransmit: () => {
        // §13.2.2.4: every 2xx retransmission gets the ACK again
        if (this.#ack) this.#signalling.sendStateless(this.#ack, this.target.destination);
      },
    });
    this.#transaction = transaction;
    void final.then(({ response }) => this.#final(response));
  }

  #provisional(response: SipResponse): void {
    const state = this.state;
    switch (state) {
      case 'calling':
      case 'early':
        if (response.status > 100 && !this.#prack(response)) return;
        if (state === 'calling') this.#machine.transition('early');
        if (response.status > 100) this.#owner.provisional(this, response);
        return;
      case 'answered':
      case 'failed':
      case 'cancelling':
      case 'cancelled':
        return;
    }
  }

  #final(response: SipResponse): void {
    const state = this.state;
    const ok = response.status < 300;
    switch (state) {
      case 'calling':
      case 'early': {
        if (!ok) {
          this.#machine.transition('failed');
          this.#owner.failed(this, response);
          return;
        }
        const dialog = this.#confirm(response);
        this.#machine.transition('answered');
        this.#owner.answered(this, response, dialog);
        return;
      }
      case 'cancelling':
        this.#machine.transition('cancelled');
        // the 2xx crossed our CANCEL: the callee picked up, so hang up at once (§9.1)
        if (ok) this.hangUp(this.#confirm(response));
        return;
      case 'answered':
      case 'failed':
      case 'cancelled':
        return;
    }
  }

  /**
   * RFC 3262 §4: PRACKs a new reliable provisional in its early dialog.
   * False for one not to process (a retransmission, or out of order).
   */
  #prack(response: SipResponse): boolean {
    if (!isReliableProvisional(response)) return true;
    const rack = this.#reliable.accept(this.request, response);
    const tag = response.to.tag;
    if (!rack || tag === undefined) return false;
    let dialog = this.#early.get(tag);
    if (!dialog) {
      dialog = Dialog.asUac(this.request, response);
      this.#early.set(tag, dialog);
    }
    const prack = dialog.createRequest('PRACK').withHeader('rack', [rack]);
    // its 200 needs nothing from us; a failure only loses this provisional's reliability
    this.#signalling.request(prack, this.target.destination);
    return true;
  }

  #confirm(response: SipResponse): Dialog {
    const early = response.to.tag === undefined ? undefined : this.#early.get(response.to.tag);
    early?.confirm(response);
    const dialog = early ?? Dialog.asUac(this.request, response);
    this.#ack = dialog.createAck(this.request.cseq.seq);
    this.#signalling.sendStateless(this.#ack, this.target.destination);
    return dialog;
  }

  /** Ends a dialog this branch set up but the call does not want (BYE). */
  hangUp(dialog: Dialog): void {
    const bye = dialog.createRequest('BYE');
    dialog.terminate();
    this.#signalling.request(bye, this.target.destination);
  }

  /** Stops the branch: CANCEL once it is proceeding (§9.1); an answer racing it gets BYE. */
  cancel(): void {
    const state = this.state;
    switch (state) {
      case 'calling':
      case 'early':
        this.#machine.transition('cancelling');
        if (this.#transaction?.kind === 'invite-client')
          this.#signalling.layer.cancel(this.#transaction, { response: () => undefined });
        return;
      case 'answered':
      case 'failed':
      case 'cancelling':
      case 'cancelled':
        return;
    }
  }
}
