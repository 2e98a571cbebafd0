/**
 * One call through the B2BUA: the caller's leg `a` (we are its UAS) and the
 * callee's leg `b` (we are its UAC), each its own dialog with its own
 * Call-ID, tags, Via and Contact, joined by one media session that anchors
 * the media (offer on one leg → rewritten SDP to the other; answer back).
 *
 *   INVITE (authenticated)
 *      │
 *      ▼           contacts found            first 2xx of a branch
 *   routing ─────────────────────▶ ringing ─────────────────────────▶ answering
 *      │                          │  ▲  │  (forwarding, next ring            │ ACK of the caller
 *      │ 403 / 404 / 480 / 486 /  │  └──┘   group member)                    ▼
 *      │ 488 / 503                │                                      confirmed ◀──┐ re-INVITE, UPDATE,
 *      │                          │ busy, no answer, failure, CANCEL          │   └────┘ REFER (transfer)
 *      ▼                          ▼                                           │ BYE, session timer,
 *    ended ◀──────────────────── ended ◀──────────── ending ◀─────────────────┘ ACK or media timeout
 *
 * Toward the caller, provisionals go reliably (RFC 3262) when it asks:
 * every 18x if it requires 100rel, the one carrying early SDP if it only
 * supports it; its PRACKs come here (`prack`) and a 2xx waits for the PRACK
 * of a provisional with SDP. An INVITE without SDP (late offer) rings the
 * callees with an offer of ours (late-offer.ts); our answer to the callee
 * becomes our offer to the caller, in the 2xx or the first reliable 18x,
 * and its answer comes in the ACK or the PRACK.
 *
 * The CDR row is written (in progress) before any INVITE goes out and its
 * outcome is committed before we answer the BYE that ends the call, so a
 * call the phones saw complete always has its final CDR.
 *
 * `Call` is the coordinator: it owns the state machine, the legs, the media
 * session and the CDR row. The procedures it delegates get a narrow view of
 * it, built once here: `RoutingCall` (call-routing.ts: whom to ring),
 * `AnsweredCall` (call-context.ts; in-dialog-offer.ts: re-INVITE, UPDATE,
 * INFO) and `TransferringCall` (transfer.ts: REFER). See docs/calls.md.
 */
import { PalisadeError, isPalisadeError } from '@palisade/common';
import type { Clock, Logger } from '@palisade/common';
import { DEFAULT_CODECS } from '@palisade/media';
import type {
  CodecSpec,
  LegId,
  MediaEngine,
  MediaSession,
  MediaTransport,
  OfferOptions,
  SessionEndReason,
  SessionStats,
} from '@palisade/media';
import {
  Dialog,
  ReliableProvisionalSender,
  StateMachine,
  createResponse,
  newTag,
  reliabilityOf,
} from '@palisade/sip';
import type {
  Destination,
  ExtraHeaders,
  InviteServerTransaction,
  ServerTransaction,
  SipRequest,
  SipResponse,
} from '@palisade/sip';
import type { Cdr, CdrCauseSide } from '../ports/cdr-repository.ts';
import type { PbxRepositories } from '../ports/pbx-store.ts';
import { branchInvite } from './branch-invite.ts';
import { badDestination, permitted } from './call-admission.ts';
import type { AnsweredCall, Negotiation } from './call-context.ts';
import type { BadDestination } from './call-events.ts';
import { ringingParties } from './call-parties.ts';
import type { CallParty, LegParty, PartyIdentity } from './call-parties.ts';
import { cancelled, commitOutcome, failure, unansweredEnding } from './call-outcome.ts';
import type { Ending } from './call-outcome.ts';
import type { AuditSink, CallTarget, LocationLookup } from './call-ports.ts';
import { ringExtension } from './call-routing.ts';
import type { RoutingCall } from './call-routing.ts';
import { storedCallSettings } from './call-settings.ts';
import type { CallSettings } from './call-settings.ts';
import type { CallSignalling } from './call-signalling.ts';
import { sdpOf } from './call-signalling.ts';
import { callSnapshot } from './call-snapshot.ts';
import type { CallSnapshot } from './call-snapshot.ts';
import { CALL_TRANSITIONS, isAnswered } from './call-state.ts';
import type { CallState } from './call-state.ts';
import type { AuthenticatedCaller } from './caller-authenticator.ts';
import { classifyNumber, dialledNumber } from './dial-plan.ts';
import type { CallClass } from './dial-plan.ts';
import { DialogLeg } from './dialog-leg.ts';
import type { Fork } from './fork.ts';
import { ForkMedia } from './fork-media.ts';
import { answerInAck, relayInfo, renegotiate } from './in-dialog-offer.ts';
import { acceptableAnswer, adoptAnswer, standInOffer } from './late-offer.ts';
import { calleeTransport, isWebsocket, offerOptions, offeredTransport } from './media-transport.ts';
import type { PhoneSrtp } from './media-transport.ts';
import { RingAttempt } from './ring-attempt.ts';
import type { AttemptOutcome } from './ring-attempt.ts';
import {
  SessionTimer,
  callerTimerHeaders,
  intervalTooSmall,
  refreshLegs,
  sessionInterval,
} from './session-timer.ts';
import { refer } from './transfer.ts';
import type { TransferringCall } from './transfer.ts';

export interface CallRegistry {
  /** Routes in-dialog requests of `leg`'s dialog to `call`. */
  bind(leg: DialogLeg, call: Call): void;
  unbind(leg: DialogLeg): void;
  /** The call is over. */
  ended(call: Call): void;
  /** The call and leg of one of our dialogs (RFC 3891 Replaces), trying both tag orders. */
  lookup(callId: string, tagA: string, tagB: string): { call: Call; leg: DialogLeg } | undefined;
  /** The media counters of a call whose media session is about to be deleted. */
  mediaStats(stats: SessionStats): void;
  /** The caller dialled a destination that does not exist (404) or is forbidden (403). */
  badDestination(probe: BadDestination): void;
  /** Who is on the call may have changed (`call.parties()`): for busy lamps and presence. */
  activity(call: Call): void;
}

export interface CallDeps {
  readonly signalling: CallSignalling;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly media: MediaEngine;
  readonly repos: Pick<PbxRepositories, 'users' | 'groups' | 'tenantSettings' | 'cdrs'>;
  readonly location: LocationLookup;
  readonly audit: AuditSink | undefined;
  readonly registry: CallRegistry;
  readonly codecs: readonly CodecSpec[] | undefined;
  /** RFC 4028: the session interval we ask for and the smallest we accept (seconds). */
  readonly sessionExpires: number;
  readonly minSessionExpires: number;
}

export class Call {
  readonly id: string;
  readonly caller: AuthenticatedCaller;
  readonly #deps: CallDeps;
  readonly #machine = new StateMachine<CallState>('call', 'routing', CALL_TRANSITIONS);
  readonly #invite: SipRequest;
  readonly #transaction: InviteServerTransaction;
  readonly #source: Destination;
  readonly #toTag = newTag();
  #cdr: Cdr | undefined;
  #callee: { userId: string | null; deviceId: string | null } = { userId: null, deviceId: null };
  #answeredAt: number | null = null;
  /** The call's media session, once a branch answered (its class's session of the ringing media). */
  #media: MediaSession | undefined;
  /** While ringing: one media session per transport class of the branches. */
  #ringMedia: ForkMedia | undefined;
  #callerTransport: MediaTransport = 'RTP/AVP';
  #phoneSrtp: PhoneSrtp = 'as-caller';
  #offer = '';
  #ringing: RingAttempt | undefined;
  /** While a blind transfer rings its target: who rings (transfer.ts). */
  #transferRinging: (() => readonly CallParty[]) | undefined;
  #cancelled = false;
  #early: { fork: Fork; body: string; answer: string } | undefined;
  #relayed = new Set<number>();
  /** How the caller's INVITE asks for reliable provisionals (RFC 3262). */
  readonly #reliability: 'required' | 'supported' | 'none';
  #reliable: ReliableProvisionalSender | undefined;
  /** SDP sent to the caller in a reliable 18x: the 2xx repeats it (RFC 6337 §3.1). */
  #reliableSdp: string | undefined;
  /** The caller sent no offer (late offer): our offer to it is `#offerToCaller`. */
  #late = false;
  /** Our offer in a reliable 18x, until the caller's PRACK brings the answer. */
  #offerInPrack: { offer: string; fork: Fork } | undefined;
  /** The provisionals of the branches being relayed (the engine answers early SDP). */
  #provisionals: Promise<void> = Promise.resolve();
  /** The caller's answer from its PRACK being put into the engine; false when that failed. */
  #adopting: Promise<boolean> | undefined;
  readonly #legs = new Map<LegId, DialogLeg>();
  /** The SDP each phone sent us last (by media leg), for re-offers on transfer. */
  readonly #remoteSdp = new Map<LegId, string>();
  readonly #negotiation: Negotiation = { busy: false, transferor: undefined };
  #timer: SessionTimer | undefined;
  #ending: Promise<void> | undefined;
  /** What the in-dialog procedures see of this call (call-context.ts). */
  readonly #answeredCall: AnsweredCall;
  /** What the transfer procedures see of this call (transfer.ts). */
  readonly #transferringCall: TransferringCall;
  /** What the routing sees of this call (call-routing.ts). */
  readonly #routingCall: RoutingCall;

  constructor(
    deps: CallDeps,
    init: {
      readonly request: SipRequest;
      readonly transaction: InviteServerTransaction;
      readonly source: Destination;
      readonly caller: AuthenticatedCaller;
    },
  ) {
    this.#deps = deps;
    this.#invite = init.request;
    this.#transaction = init.transaction;
    this.#source = init.source;
    this.caller = init.caller;
    this.id = init.request.callId;
    this.#reliability = reliabilityOf(init.request);
    this.#answeredCall = this.#answeredView();
    this.#transferringCall = this.#transferringView();
    this.#routingCall = this.#routingView();
  }

  // ── the views the delegated procedures get (docs/calls.md) ────────────

  #routingView(): RoutingCall {
    return {
      tenantId: this.caller.tenant.id,
      callerDeviceId: this.caller.device.id,
      users: this.#deps.repos.users,
      tenantSettings: this.#deps.repos.tenantSettings,
      location: this.#deps.location,
      cancelled: () => this.#cancelled,
      ringing: (userId) => (this.#callee = { userId, deviceId: null }),
      notFound: (number) => this.#badDestination(404, number),
      attempt: (targets, seconds) => this.#attempt(targets, seconds),
    };
  }

  #answeredView(): AnsweredCall {
    return {
      state: () => this.state,
      media: () => this.#media,
      codecs: this.#deps.codecs,
      remoteSdp: this.#remoteSdp,
      negotiation: this.#negotiation,
      otherLeg: (leg) => this.#otherLeg(leg),
      sessionRefreshed: () => this.#timer?.refreshed(),
      hangUp: (side, cause) => this.hangUp(side, cause),
    };
  }

  #transferringView(): TransferringCall {
    return {
      ...this.#answeredCall,
      signalling: this.#deps.signalling,
      clock: this.#deps.clock,
      tenantId: this.caller.tenant.id,
      users: this.#deps.repos.users,
      location: this.#deps.location,
      settings: () => this.#settings(),
      branchInvite: (target, offer, number) => this.#bInvite(target, offer, number),
      dropLeg: (leg) => this.#dropLeg(leg),
      adopt: (leg, slot) => this.#adopt(leg, slot),
      transferRinging: (parties) => {
        this.#transferRinging = parties;
        this.#changed();
      },
      partiesChanged: () => this.#changed(),
      replacedCall: (callId, tagA, tagB) => {
        const found = this.#deps.registry.lookup(callId, tagA, tagB);
        if (!found || found.call === this) return undefined;
        const other = found.call;
        return {
          call: {
            otherLeg: (leg) => other.#otherLeg(leg),
            release: (leg) => other.#release(leg),
            hangUp: (side, cause) => other.hangUp(side, cause),
          },
          leg: found.leg,
        };
      },
    };
  }

  get state(): CallState {
    return this.#machine.state;
  }

  /** The caller as the other parties are shown them. */
  get #callerIdentity(): PartyIdentity {
    return { number: this.caller.user.extension, displayName: this.caller.user.displayName };
  }

  /** What the caller dialled, as the caller is shown the other end. */
  get #dialled(): PartyIdentity {
    return { number: (dialledNumber(this.#invite) ?? '').slice(0, 64), displayName: null };
  }

  /**
   * Who is on the call now, per device (call-parties.ts): nobody while the
   * call is only being routed (a refused call never shows), the caller and
   * every ringing device while it rings, the phones of its legs once
   * answered, nobody once it ends.
   */
  parties(): CallParty[] {
    const caller: LegParty = {
      userId: this.caller.user.id,
      deviceId: this.caller.device.id,
      direction: 'initiator',
      identity: this.#callerIdentity,
    };
    switch (this.state) {
      case 'routing':
      case 'ending':
      case 'ended':
        return [];
      case 'ringing':
        return [
          { ...caller, state: 'early', peer: this.#dialled },
          ...ringingParties(this.#ringing?.ringing() ?? [], this.#callerIdentity, this.#dialled),
        ];
      case 'answering':
      case 'confirmed':
        return [
          ...[...this.#legs.values()].map((leg): CallParty => ({
            ...leg.party,
            state: 'confirmed',
            peer: this.#otherLeg(leg)?.party.identity ?? this.#dialled,
          })),
          ...(this.#transferRinging?.() ?? []),
        ];
    }
  }

  /** Tells the registry who is on the call now (it compares with what it knew). */
  #changed(): void {
    this.#deps.registry.activity(this);
  }

  get cdrId(): string | undefined {
    return this.#cdr?.id;
  }

  get media(): MediaSession | undefined {
    return this.#media;
  }

  leg(id: LegId): DialogLeg | undefined {
    return this.#legs.get(id);
  }

  /** What the console shows of the call; undefined before its CDR exists and once it is ending. */
  snapshot(): CallSnapshot | undefined {
    const cdr = this.#cdr;
    const state = this.state;
    if (!cdr || state === 'ending' || state === 'ended') return undefined;
    const a = this.#legs.get('a');
    const b = this.#legs.get('b');
    return callSnapshot({
      cdr,
      ringing: state === 'routing' || state === 'ringing',
      caller: this.caller,
      callee: this.#callee,
      answeredAt: this.#answeredAt,
      callerLeg: {
        transport: (a?.destination ?? this.#source).transport,
        media: a?.mediaTransport ?? this.#callerTransport,
      },
      calleeLeg: b && { transport: b.destination.transport, media: b.mediaTransport },
      remoteSdps: this.#remoteSdp.values(),
    });
  }

  // ── setting up ────────────────────────────────────────────────────────

  /** Runs the call from the INVITE to its answer or its failure. Never throws. */
  async run(): Promise<void> {
    try {
      await this.#route();
    } catch (err) {
      if (!isPalisadeError(err))
        this.#deps.logger.error('call failed', {
          callId: this.id,
          error: err instanceof Error ? err.message : String(err),
        });
      const status = isPalisadeError(err) ? err.sipStatus : 500;
      if (this.state === 'routing' || this.state === 'ringing')
        await this.#fail({
          status,
          disposition: 'failed',
          cause: isPalisadeError(err) ? err.code : 'error',
          side: 'system',
        });
      else await this.hangUp('system', 'error');
    }
  }

  async #route(): Promise<void> {
    const { tenant, user, device } = this.caller;
    const number = dialledNumber(this.#invite);
    const settings = await this.#settings();
    const callClass: CallClass = number ? classifyNumber(number, settings) : 'internal';
    this.#cdr = await this.#deps.repos.cdrs.begin({
      tenantId: tenant.id,
      callId: this.id,
      callerUserId: user.id,
      callerDeviceId: device.id,
      caller: user.extension,
      callee: (number ?? '').slice(0, 64),
      callClass,
      startedAt: this.#deps.clock.now(),
    });
    if (number === undefined) {
      this.#badDestination(404, '');
      return this.#fail(failure(404, 'not_found'));
    }
    const admission = { groups: this.#deps.repos.groups, audit: this.#deps.audit };
    if (!(await permitted(admission, this.caller, this.#source, callClass, number))) {
      this.#badDestination(403, number);
      return this.#fail(failure(403, 'forbidden'));
    }
    // no trunks yet (issue on §A9): only the tenant's own extensions are reachable
    if (callClass !== 'internal') return this.#fail(failure(503, 'no_route'));
    // RFC 4028 §8.1: a Session-Expires below our Min-SE gets 422 with Min-SE
    if (intervalTooSmall(this.#invite, this.#deps.minSessionExpires))
      return this.#fail(failure(422, 'session_interval_too_small'));
    const offer = sdpOf(this.#invite);
    if (offer === undefined) {
      // a late offer: the callees get an offer of ours (late-offer.ts); a browser always offers
      if (isWebsocket(this.#source)) return this.#fail(failure(488, 'no_offer'));
      this.#late = true;
      this.#offer = standInOffer(this.#deps.codecs ?? DEFAULT_CODECS, this.#source.host);
    } else this.#offer = offer;
    this.#remoteSdp.set('a', this.#offer);
    this.#callerTransport = offeredTransport(this.#offer);
    this.#phoneSrtp = settings.phoneSrtp;
    this.#ringMedia = new ForkMedia(this.#deps.media, this.id);
    this.#machine.transition('ringing');
    this.#changed();
    const outcome = await ringExtension(this.#routingCall, number, settings);
    await this.#settleRinging(outcome);
  }

  async #settings(): Promise<CallSettings> {
    return storedCallSettings(this.#deps.repos.tenantSettings, this.caller.tenant.id);
  }

  #badDestination(status: 403 | 404, number: string): void {
    this.#deps.registry.badDestination(badDestination(this.caller, this.#source, status, number));
  }

  #sessionInterval(): number {
    return sessionInterval(this.#invite, this.#deps.sessionExpires);
  }

  /** The profile offered to a branch: WebRTC over WS(S), else RTP/AVP or SDES (media-transport.ts). */
  #transportOf(target: CallTarget): MediaTransport {
    return calleeTransport(target.destination, this.#callerTransport, this.#phoneSrtp);
  }

  async #attempt(targets: readonly CallTarget[], seconds: number): Promise<AttemptOutcome> {
    const media = this.#ringMedia;
    if (this.#cancelled || !media) return { kind: 'cancelled' };
    // every round starts from fresh offers: an earlier round may have left an answer behind
    const offers = await media.offer(
      new Set(targets.map((t) => this.#transportOf(t))),
      this.#offer,
      this.#offerOptions(this.#source),
    );
    if (this.#cancelled) return { kind: 'cancelled' };
    const offerOf = (t: CallTarget): string | Error =>
      offers.get(this.#transportOf(t)) ?? new Error('no offer');
    // a class the engine cannot serve (e.g. WebRTC on an engine without it) does not ring; the rest do
    const reachable = targets.filter((t) => typeof offerOf(t) === 'string');
    const refused = offerOf(targets[0] as CallTarget);
    if (reachable.length === 0 && refused instanceof Error) throw refused;
    this.#early = undefined;
    const attempt = new RingAttempt({
      signalling: this.#deps.signalling,
      clock: this.#deps.clock,
      targets: reachable,
      seconds,
      invite: (t) => this.#bInvite(t, offerOf(t) as string),
      hooks: {
        provisional: (fork, r) => {
          const done = this.#provisional(fork, r);
          // the answer waits for early media in progress (the 2xx may have to repeat its SDP)
          this.#provisionals = Promise.all([this.#provisionals, done]).then(() => undefined);
        },
        branchEnded: () => this.#changed(),
      },
    });
    this.#ringing = attempt;
    this.#changed();
    const outcome = await attempt.outcome;
    // an answered branch shows as ringing until its leg takes over (no lamp flicker in between)
    if (outcome.kind !== 'answered') this.#changed();
    return outcome;
  }

  #offerOptions(source: Destination, transport?: MediaTransport): OfferOptions {
    return offerOptions(this.#deps.codecs, source, transport);
  }

  /** The INVITE of a branch: our own Call-ID, tag, Contact; the caller shown by extension. */
  #bInvite(
    target: CallTarget,
    offer: string,
    number = dialledNumber(this.#invite) ?? 'unknown',
  ): SipRequest {
    return branchInvite({
      invite: this.#invite,
      caller: this.caller,
      signalling: this.#deps.signalling,
      sessionInterval: this.#sessionInterval(),
      minSessionExpires: this.#deps.minSessionExpires,
      target,
      offer,
      number,
    });
  }

  /** 180/183 from a branch: relayed to the caller; early media SDP through the media engine. */
  async #provisional(fork: Fork, response: SipResponse): Promise<void> {
    const body = sdpOf(response);
    const session = this.#ringMedia?.session(this.#transportOf(fork.target));
    if (body !== undefined && this.#early === undefined && session) {
      this.#early = { fork, body, answer: '' };
      try {
        const answer = await session.answer('b', body, {
          signallingAddress: fork.target.destination.host,
        });
        this.#early = { fork, body, answer };
        if (this.state === 'ringing') this.#earlyMedia(fork, answer);
      } catch {
        // an early answer the engine refuses only loses early media
      }
      return;
    }
    const status = response.status === 183 ? 183 : 180;
    if (this.#relayed.has(status) || this.state !== 'ringing') return;
    // RFC 3262 §5: after a late offer the first reliable 18x must carry our offer; none yet
    if (this.#late && this.#reliability === 'required') return;
    this.#relayed.add(status);
    this.#respondA(status === 183 && !this.#early ? 180 : status, {
      reliable: this.#reliability === 'required',
    });
  }

  /**
   * Early SDP for the caller: reliably when it requires 100rel, or supports
   * it and the call rings one media class (the 2xx then repeats it, so it
   * must be the answering branch's session). After a late offer it is our
   * offer, which only a reliable 18x may carry: else the 183 goes without it.
   */
  #earlyMedia(fork: Fork, sdp: string): void {
    const reliable =
      this.#reliability === 'required' ||
      (this.#reliability === 'supported' && this.#ringMedia?.classes === 1);
    if (this.#late && (!reliable || this.#reliableSdp !== undefined)) {
      if (this.#relayed.has(183)) return;
      this.#relayed.add(183);
      return this.#respondA(183, { reliable });
    }
    if (!reliable) return this.#respondA(183, { sdp });
    if (this.#reliableSdp !== undefined) return;
    this.#reliableSdp = sdp;
    if (this.#late) this.#offerInPrack = { offer: sdp, fork };
    this.#respondA(183, { sdp, reliable });
  }

  /** The caller's reliable provisionals (created on the first one). */
  #sender(): ReliableProvisionalSender {
    this.#reliable ??= new ReliableProvisionalSender({
      clock: this.#deps.clock,
      invite: this.#invite,
      send: (response) => void this.#transaction.respond(response),
      reliableTransport: this.#source.reliable,
      // §3: no PRACK within 64·T1: the INVITE is rejected with a 5xx
      onTimeout: () => void this.hangUp('system', 'prack_timeout'),
    });
    return this.#reliable;
  }

  /**
   * A PRACK from the caller (RFC 3262 §3): 200 when its RAck names the
   * reliable provisional awaiting one, else 481. After a late offer the
   * PRACK of our offer brings the caller's answer (§5).
   */
  async prack(request: SipRequest, transaction: ServerTransaction): Promise<void> {
    const respond = (status: number): void =>
      void transaction.respond(createResponse(request, status));
    if (
      request.to.tag !== this.#toTag ||
      !this.#reliable ||
      this.#reliable.prack(request) === 'no_match'
    )
      return respond(481);
    const body = sdpOf(request);
    const pending = this.#offerInPrack;
    if (!pending) {
      // a new offer in a PRACK is not taken (docs/calls.md); the provisional is acknowledged all the same
      return respond(body === undefined ? 200 : 488);
    }
    this.#offerInPrack = undefined;
    if (body === undefined || !acceptableAnswer(pending.offer, body)) {
      respond(488);
      const cause = body === undefined ? 'no_answer_in_prack' : 'unacceptable_answer';
      return this.#fail({ status: 488, disposition: 'failed', cause, side: 'caller' });
    }
    this.#adopting = this.#adoptEarlyAnswer(pending.fork, body);
    if (await this.#adopting) return respond(200);
    respond(500);
    await this.#fail(failure(500, 'media_error'));
  }

  /** The caller's answer (in its PRACK) to our offer of a branch's early SDP, into that branch's session. */
  async #adoptEarlyAnswer(fork: Fork, answer: string): Promise<boolean> {
    const transport = this.#transportOf(fork.target);
    const session = this.#ringMedia?.session(transport);
    const early = this.#early;
    if (!session || !early || early.fork !== fork) return false;
    try {
      await adoptAnswer(
        session,
        'a',
        answer,
        this.#offer,
        this.#offerOptions(this.#source, transport),
        {
          leg: 'b',
          offered: fork.request.body.toString('utf8'),
          answered: early.body,
          signallingAddress: fork.target.destination.host,
        },
      );
    } catch {
      return false;
    }
    this.#offer = answer;
    this.#remoteSdp.set('a', answer);
    return true;
  }

  #respondA(
    status: number,
    init: { sdp?: string; headers?: ExtraHeaders; reason?: string; reliable?: boolean } = {},
  ): void {
    const send = (r: SipResponse): void =>
      init.reliable && status > 100 && status < 200
        ? this.#sender().send(r)
        : void this.#transaction.respond(r);
    send(
      createResponse(this.#invite, status, {
        toTag: this.#toTag,
        ...(status > 100 && status < 300
          ? { contact: [this.#deps.signalling.contact(this.#source)] }
          : {}),
        headers: init.headers ?? [],
        ...(init.reason ? { reason: init.reason } : {}),
        ...(init.sdp ? { body: Buffer.from(init.sdp), contentType: 'application/sdp' } : {}),
      }),
    );
  }

  async #settleRinging(outcome: AttemptOutcome | Ending): Promise<void> {
    if (!('kind' in outcome)) return this.#fail(outcome);
    if (outcome.kind === 'answered')
      return this.#answered(outcome.fork, outcome.response, outcome.dialog);
    return this.#fail(unansweredEnding(outcome));
  }

  async #answered(fork: Fork, response: SipResponse, bDialog: Dialog): Promise<void> {
    await this.#provisionals;
    const transport = this.#transportOf(fork.target);
    if (!this.#ringMedia) throw new Error('answered without a media session');
    // the answering branch's class wins: the sessions of the other classes go
    const media = await this.#ringMedia.keep(transport);
    this.#media = media;
    this.#callee = { userId: fork.target.userId, deviceId: fork.target.deviceId };
    const bLeg = new DialogLeg(this.#deps.signalling, this.#deps.clock, {
      mediaLeg: 'b',
      dialog: bDialog,
      destination: fork.target.destination,
      peerMessage: response,
      lastSdp: fork.request.body.toString('utf8'),
      mediaTransport: transport,
      party: {
        userId: fork.target.userId,
        deviceId: fork.target.deviceId,
        direction: 'recipient',
        identity: this.#dialled,
      },
    });
    this.#legs.set('b', bLeg);
    this.#deps.registry.bind(bLeg, this);
    const body = sdpOf(response);
    let answer: string;
    try {
      if (body === undefined) throw new PalisadeError('unsupported_media', '2xx without SDP');
      this.#remoteSdp.set('b', body);
      const early = this.#early;
      if (early && early.fork === fork && early.body === body && early.answer)
        answer = early.answer;
      else {
        // an early answer of another branch of this class left the session answered: offer again
        if (early && this.#transportOf(early.fork.target) === transport)
          await media.offer('a', this.#offer, this.#offerOptions(this.#source, transport));
        answer = await media.answer('b', body, { signallingAddress: fork.target.destination.host });
      }
    } catch (err) {
      void bLeg.bye();
      this.#deps.registry.unbind(bLeg);
      this.#legs.delete('b');
      const unsupported = isPalisadeError(err) && err.code === 'unsupported_media';
      return this.#fail(
        failure(unsupported ? 488 : 500, unsupported ? 'no_common_codec' : 'media_error'),
      );
    }
    // RFC 3262 §3: no 2xx while a reliable provisional with SDP awaits its PRACK
    const mayAnswer = (await this.#reliable?.mayAnswer()) ?? true;
    const adopted = (await this.#adopting) ?? true;
    if (this.#cancelled) {
      // the caller's CANCEL won the race against this answer
      void bLeg.bye();
      return this.#fail(cancelled());
    }
    if (!mayAnswer || !adopted || this.state !== 'ringing') {
      // the PRACK never came, or its answer failed: the caller got its final answer there
      void bLeg.bye();
      return;
    }
    this.#reliable?.close();
    // RFC 6337 §3.1: SDP already sent in a reliable 18x is repeated as it was
    if (this.#reliableSdp !== undefined) answer = this.#reliableSdp;
    // a late offer not yet answered in a PRACK: `answer` is our offer, answered in the ACK
    const offerInAck = this.#late && this.#reliableSdp === undefined;
    this.#machine.transition('answering');
    this.#answeredAt = this.#deps.clock.now();
    const aDialog = Dialog.asUas(
      this.#invite,
      createResponse(this.#invite, 200, {
        toTag: this.#toTag,
        contact: [this.#deps.signalling.contact(this.#source)],
      }),
    );
    const aLeg = new DialogLeg(this.#deps.signalling, this.#deps.clock, {
      mediaLeg: 'a',
      dialog: aDialog,
      destination: this.#source,
      peerMessage: this.#invite,
      lastSdp: answer,
      mediaTransport: this.#callerTransport,
      party: {
        userId: this.caller.user.id,
        deviceId: this.caller.device.id,
        direction: 'initiator',
        identity: this.#callerIdentity,
      },
    });
    this.#legs.set('a', aLeg);
    this.#deps.registry.bind(aLeg, this);
    this.#changed();
    const interval = this.#sessionInterval();
    const timerHeaders = callerTimerHeaders(this.#invite, interval);
    aLeg.answerInvite(
      this.#transaction,
      200,
      answer,
      timerHeaders,
      () => void this.hangUp('system', 'ack_timeout'),
      offerInAck,
    );
    this.#timer = new SessionTimer(this.#deps.clock, interval, () => this.#refresh());
  }

  /** Ends a call that never got answered: the final answer to the caller and the CDR. */
  async #fail(ending: Ending): Promise<void> {
    if (this.state === 'ended') return;
    this.#ringing?.cancel();
    this.#reliable?.close();
    if (!this.#transaction.finalResponse)
      this.#respondA(
        ending.status,
        ending.status === 422
          ? { headers: [['Min-SE', String(this.#deps.minSessionExpires)]] }
          : {},
      );
    this.#machine.transition('ended');
    this.#changed();
    await this.#finish(ending);
  }

  // ── the caller gives up ───────────────────────────────────────────────

  /** CANCEL from the caller (RFC 3261 §9.2): 487 to the INVITE and every branch cancelled. */
  cancel(): void {
    if (this.state !== 'routing' && this.state !== 'ringing') return;
    this.#cancelled = true;
    this.#reliable?.close();
    if (!this.#transaction.finalResponse) this.#respondA(487);
    this.#ringing?.cancel();
  }

  // ── in-dialog requests ────────────────────────────────────────────────

  /** A request of a phone in one of this call's dialogs (the B2BUA routed it here). */
  async inDialog(
    leg: DialogLeg,
    request: SipRequest,
    transaction: ServerTransaction | undefined,
  ): Promise<void> {
    const respond = (status: number, init: { sdp?: string; headers?: ExtraHeaders } = {}): void => {
      transaction?.respond(
        createResponse(request, status, {
          headers: leg.commonHeaders(init.headers),
          ...(init.sdp ? { body: Buffer.from(init.sdp), contentType: 'application/sdp' } : {}),
        }),
      );
    };
    if (request.method !== 'ACK' && leg.dialog.receiveRequest(request) === 'out_of_order')
      return respond(500);
    switch (request.method) {
      case 'ACK': {
        const offer = leg.ackReceived(request);
        const initial = this.state === 'answering' && leg.mediaLeg === 'a';
        if (initial) this.#machine.transition('confirmed');
        if (offer === undefined) return;
        const failed = await answerInAck(this.#answeredCall, leg, request, offer);
        if (!failed) return;
        // a late offer's ACK without a usable answer ends the call; later, the session stands
        if (initial && this.#late)
          return this.hangUp(failed === 'media_error' ? 'system' : 'caller', failed);
        this.#deps.logger.warn('ACK without a usable answer to our offer', {
          callId: this.id,
          reason: failed,
        });
        return;
      }
      case 'BYE':
        if (leg === this.#negotiation.transferor) {
          // the transferor may hang up once its REFER is accepted (RFC 5589 §6.1): only its leg ends
          this.#dropLeg(leg);
          leg.dialog.terminate();
          return respond(200);
        }
        await this.hangUp(leg.mediaLeg === 'a' ? 'caller' : 'callee', 'normal', leg);
        return respond(200);
      case 'REFER':
        return refer(this.#transferringCall, leg, request, respond);
      case 'NOTIFY':
        return respond(200);
      case 'PRACK':
        // after the 2xx nothing awaits a PRACK: 481 (RFC 3262 §3)
        return transaction ? this.prack(request, transaction) : undefined;
      case 'INVITE':
      case 'UPDATE':
        if (transaction) await renegotiate(this.#answeredCall, leg, request, transaction, respond);
        return;
      case 'OPTIONS':
        return respond(200);
      case 'INFO':
        return relayInfo(this.#answeredCall, leg, request, respond);
      default:
        return respond(405, { headers: [] });
    }
  }

  // ── legs moved by a transfer (transfer.ts) ──────────────────────────

  /** Stops routing a leg's dialog here; the call goes on with the rest. */
  #dropLeg(leg: DialogLeg): void {
    leg.close();
    if (this.#legs.get(leg.mediaLeg) === leg) this.#legs.delete(leg.mediaLeg);
    this.#deps.registry.unbind(leg);
    this.#changed();
  }

  /** Takes a leg into this call in `slot` (after a transfer). */
  #adopt(leg: DialogLeg, slot: LegId): void {
    leg.mediaLeg = slot;
    this.#legs.set(slot, leg);
    this.#deps.registry.bind(leg, this);
    this.#changed();
  }

  #otherLeg(leg: DialogLeg): DialogLeg | undefined {
    return this.#legs.get(leg.mediaLeg === 'a' ? 'b' : 'a');
  }

  /** Gives up a leg another call takes over (attended transfer): no BYE for it from here. */
  #release(leg: DialogLeg): void {
    if (this.#legs.get(leg.mediaLeg) === leg) this.#legs.delete(leg.mediaLeg);
    this.#deps.registry.unbind(leg);
    this.#changed();
  }

  // ── session timer (RFC 4028) ──────────────────────────────────────────

  /** The session timer fired: both legs refreshed (session-timer.ts); a dead one ends the call with a CDR. */
  async #refresh(): Promise<void> {
    if (!isAnswered(this.state)) return;
    const alive = await refreshLegs([...this.#legs.values()], this.#sessionInterval());
    if (!alive) await this.hangUp('system', 'session_timer');
  }

  // ── ending ────────────────────────────────────────────────────────────

  /**
   * Ends an answered call: BYE to every leg but `from`'s, the media freed,
   * the CDR committed. Resolves once the CDR is durable. Idempotent.
   */
  hangUp(side: CdrCauseSide, cause: string, from?: DialogLeg): Promise<void> {
    if (this.state === 'routing' || this.state === 'ringing') {
      this.#ending ??= this.#fail(failure(500, cause));
      return this.#ending;
    }
    this.#ending ??= (async () => {
      if (this.state === 'ended') return;
      this.#machine.transition('ending');
      this.#changed();
      this.#timer?.close();
      for (const leg of this.#legs.values()) {
        if (leg === from) {
          leg.close();
          leg.dialog.terminate();
        } else void leg.bye();
      }
      this.#machine.transition('ended');
      await this.#finish({ status: 200, disposition: 'answered', cause, side });
    })();
    return this.#ending;
  }

  /** The media engine ended a session of this call (RTP timeout, DTLS failure): the call is dead. */
  mediaEnded(reason: SessionEndReason): void {
    // 'deleted' is our own doing (a losing class's session when a branch answers, or the end)
    if (reason === 'deleted') return;
    if (this.state === 'answering' || this.state === 'confirmed')
      void this.hangUp('system', 'media_timeout');
  }

  async #finish(ending: Ending): Promise<void> {
    this.#timer?.close();
    for (const leg of this.#legs.values()) {
      leg.close();
      this.#deps.registry.unbind(leg);
    }
    await this.#ringMedia?.close();
    const media = this.#media;
    this.#media = undefined;
    if (media) {
      const stats =
        this.#answeredAt === null ? undefined : await media.stats().catch(() => undefined);
      if (stats) this.#deps.registry.mediaStats(stats);
      await media.delete().catch(() => undefined);
    }
    try {
      await commitOutcome(
        { cdrs: this.#deps.repos.cdrs, clock: this.#deps.clock, logger: this.#deps.logger },
        this.id,
        this.#cdr,
        ending,
        { callee: this.#callee, answeredAt: this.#answeredAt },
      );
    } finally {
      this.#deps.registry.ended(this);
    }
  }
}
