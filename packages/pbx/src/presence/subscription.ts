/**
 * One subscription we accepted, as the notifier (RFC 6665 §4.2): its dialog,
 * its expiry, and the NOTIFYs that carry the watched user's state.
 *
 *        SUBSCRIBE accepted: 200, then a NOTIFY at once (§4.2.1.1)
 *                  │
 *                  ▼      refresh (§4.2.1.2): new expiry, full-state NOTIFY
 *   ┌──────────▶ active ◀──┐
 *   │              │ └─────┘
 *   │              │ expiry, un-SUBSCRIBE (Expires: 0), refused refresh, shutdown
 *   │              ▼
 *   │         terminating ──final NOTIFY answered (or not)──▶ terminated
 *   │                                                            ▲
 *   └─ a NOTIFY refused with 481, timed out, or undeliverable ───┘ (§4.2.2: no more NOTIFYs)
 *
 * One NOTIFY at a time (§4.2.2): changes while one is in flight are folded
 * into the next, which carries the state at that moment, and notifications
 * caused by changes come no closer than the package's interval (RFC 4235
 * §3.10, RFC 3856 §6.8). The first NOTIFY, those of refreshes and the final
 * one are never held back. A change that leaves the body as it was sends
 * nothing. Dialogs that ended in between are kept (a few) for the next one.
 */
import type { Clock, TimerHandle } from '@palisade/common';
import { StateMachine } from '@palisade/sip';
import type { Destination, Dialog, TransitionTable } from '@palisade/sip';
import type { EventPackage, Rendered } from './event-package.ts';
import type { UserDialog } from './user-dialogs.ts';
import type { WatchedUser } from './watched-user.ts';

export type SubscriptionState = 'active' | 'terminating' | 'terminated';

export const SUBSCRIPTION_TRANSITIONS: TransitionTable<SubscriptionState> = {
  active: ['terminating', 'terminated'],
  terminating: ['terminated'],
  terminated: [],
};

/** RFC 6665 §4.1.3 reasons we give when a subscription ends. */
export type TerminationReason = 'timeout' | 'deactivated' | 'rejected' | 'noresource';

/** Ended dialogs remembered for the next NOTIFY at most (the rest are simply gone). */
const MAX_ENDED = 8;

/** Who subscribed, from where: what limits count and a refresh from elsewhere must prove. */
export interface Subscriber {
  readonly tenantId: string;
  readonly userId: string;
  readonly deviceId: string;
}

export interface NotifyRequest {
  readonly dialog: Dialog;
  readonly destination: Destination;
  /** The Event header value (with the id of the SUBSCRIBE, §8.2.1). */
  readonly event: string;
  /** The Subscription-State header value. */
  readonly state: string;
  readonly contentType: string;
  readonly body: string;
}

export interface SubscriptionDeps {
  readonly clock: Clock;
  /** Sends a NOTIFY in the subscription's dialog; resolves with its final status (408 for no answer). */
  notify(request: NotifyRequest): Promise<number>;
  /** The subscription is over: forget it. */
  terminated(subscription: Subscription): void;
}

export interface SubscriptionInit {
  readonly dialog: Dialog;
  readonly destination: Destination;
  readonly package: EventPackage;
  /** The Event header's id parameter, echoed in every NOTIFY. */
  readonly eventId: string | undefined;
  readonly watched: WatchedUser;
  readonly subscriber: Subscriber;
}

export class Subscription {
  readonly dialog: Dialog;
  readonly package: EventPackage;
  readonly eventId: string | undefined;
  readonly watched: WatchedUser;
  readonly subscriber: Subscriber;
  /** Where NOTIFYs go: the flow the SUBSCRIBE came over; a proven refresh from elsewhere moves it. */
  destination: Destination;
  readonly #deps: SubscriptionDeps;
  readonly #machine = new StateMachine<SubscriptionState>(
    'subscription',
    'active',
    SUBSCRIPTION_TRANSITIONS,
  );
  #expiresAt = 0;
  #expiry: TimerHandle | undefined;
  #version = 0;
  #inFlight = false;
  /** A NOTIFY is owed: `urgent` ones (first, refresh, final) skip the package's interval. */
  #owed: 'none' | 'change' | 'urgent' = 'none';
  #held: TimerHandle | undefined;
  #lastSentAt = Number.NEGATIVE_INFINITY;
  #lastFingerprint: string | undefined;
  #ended: UserDialog[] = [];
  #reason: TerminationReason = 'timeout';

  constructor(deps: SubscriptionDeps, init: SubscriptionInit) {
    this.#deps = deps;
    this.dialog = init.dialog;
    this.destination = init.destination;
    this.package = init.package;
    this.eventId = init.eventId;
    this.watched = init.watched;
    this.subscriber = init.subscriber;
  }

  get state(): SubscriptionState {
    return this.#machine.state;
  }

  /** NOTIFYs sent so far (the next dialog-info version). */
  get version(): number {
    return this.#version;
  }

  /** Seconds left before it expires, rounded up. */
  get remainingSeconds(): number {
    return Math.max(0, Math.ceil((this.#expiresAt - this.#deps.clock.now()) / 1000));
  }

  /** Starts (or refreshes) it for `seconds` and sends the full state at once; 0 ends it. */
  refresh(seconds: number): void {
    if (this.state !== 'active') return;
    if (seconds <= 0) return this.end('timeout');
    this.#expiry?.cancel();
    this.#expiresAt = this.#deps.clock.now() + seconds * 1000;
    this.#expiry = this.#deps.clock.setTimeout(() => this.end('timeout'), seconds * 1000);
    this.#owe('urgent');
  }

  /** The watched user's state changed; `ended`: their dialogs that ended in this change. */
  changed(ended: readonly UserDialog[] = []): void {
    if (this.state !== 'active') return;
    if (ended.length > 0 && this.package.showsEndedDialogs)
      this.#ended = [...this.#ended, ...ended].slice(-MAX_ENDED);
    this.#owe('change');
  }

  /** Ends it with a final NOTIFY (`terminated;reason=…`), sent once any NOTIFY in flight is answered. */
  end(reason: TerminationReason): void {
    if (this.state !== 'active') return;
    this.#reason = reason;
    this.#machine.transition('terminating');
    this.#expiry?.cancel();
    this.#owe('urgent');
  }

  /** Forgets it without a NOTIFY (the subscriber is gone, or the server stops hard). */
  close(): void {
    if (this.state === 'terminated') return;
    this.#machine.transition('terminated');
    this.#expiry?.cancel();
    this.#held?.cancel();
    this.dialog.terminate();
    this.#deps.terminated(this);
  }

  #owe(kind: 'change' | 'urgent'): void {
    if (kind === 'urgent' || this.#owed === 'none') this.#owed = kind;
    this.#pump();
  }

  #pump(): void {
    if (this.#inFlight || this.#owed === 'none' || this.state === 'terminated') return;
    if (this.#owed === 'change') {
      const wait = this.#lastSentAt + this.package.minIntervalMs - this.#deps.clock.monotonic();
      if (wait > 0) {
        this.#held ??= this.#deps.clock.setTimeout(() => {
          this.#held = undefined;
          this.#pump();
        }, wait);
        return;
      }
    }
    this.#held?.cancel();
    this.#held = undefined;
    const urgent = this.#owed === 'urgent';
    this.#owed = 'none';
    this.#inFlight = true;
    void this.#send(urgent).finally(() => {
      this.#inFlight = false;
      this.#pump();
    });
  }

  async #send(urgent: boolean): Promise<void> {
    const final = this.state === 'terminating';
    const ended = this.#ended;
    let rendered: Rendered;
    try {
      rendered = await this.package.render(this.watched, this.#version, ended);
    } catch {
      // the state could not be read (storage down): the next change or refresh tries again;
      // a final NOTIFY is not worth waiting for
      if (final) this.close();
      return;
    }
    if (this.state === 'terminated') return;
    if (!urgent && !final && ended.length === 0 && rendered.fingerprint === this.#lastFingerprint)
      return;
    this.#ended = this.#ended.slice(ended.length);
    this.#lastFingerprint = rendered.fingerprint;
    this.#lastSentAt = this.#deps.clock.monotonic();
    this.#version++;
    const status = await this.#deps.notify({
      dialog: this.dialog,
      destination: this.destination,
      event:
        this.eventId === undefined ? this.package.name : `${this.package.name};id=${this.eventId}`,
      state: final
        ? `terminated;reason=${this.#reason}`
        : `active;expires=${this.remainingSeconds}`,
      contentType: this.package.contentType,
      body: rendered.body,
    });
    // §4.2.2: a NOTIFY answered 481 or not at all (408) ends the subscription; so does any
    // other refusal: a subscriber that cannot take our NOTIFYs is not kept (it may subscribe again)
    if (final || status >= 300) this.close();
  }
}
