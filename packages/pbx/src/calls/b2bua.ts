/**
 * The back-to-back user agent (PRODUCT §A6–A8): the transaction user for
 * call requests. A new INVITE is authenticated (407 digest, as REGISTER),
 * becomes a `Call`, and everything after it in the caller's or a callee's
 * dialog is routed to that call by dialog id (RFC 3261 §12.2.2). CANCEL is
 * matched to its INVITE by the transaction layer (§9.2).
 *
 * The server core hands us INVITE, ACK, BYE, CANCEL, PRACK, UPDATE, INFO,
 * REFER, NOTIFY and in-dialog OPTIONS through `receive`. A PRACK of the
 * caller comes in the early dialog of its call (RFC 3262 §3), before the
 * call's dialogs are bound, and goes to the call by Call-ID and tags.
 */
import { TypedEmitter, isPalisadeError, nullLogger, systemClock } from '@palisade/common';
import type { Clock, Logger, SecurityEventSink } from '@palisade/common';
import type { CodecSpec, MediaEngine, SessionStats } from '@palisade/media';
import { createResponse, dialogIdOf, dialogKey } from '@palisade/sip';
import type { Destination, ServerTransaction, SipRequest, TransactionLayer } from '@palisade/sip';
import type { DigestAuthenticator } from '@palisade/security';
import type { PbxRepositories } from '../ports/pbx-store.ts';
import { Call } from './call.ts';
import type { B2buaEvents, BadDestination } from './call-events.ts';
import type { CallDeps, CallRegistry } from './call.ts';
import type { CallSnapshot } from './call-snapshot.ts';
import type { AuditSink, LocationLookup } from './call-ports.ts';
import { CallSignalling } from './call-signalling.ts';
import type { SentBy } from './call-signalling.ts';
import { CallerAuthenticator } from './caller-authenticator.ts';
import type { DialogLeg } from './dialog-leg.ts';

export interface B2buaOptions {
  readonly repos: Pick<
    PbxRepositories,
    'tenants' | 'users' | 'devices' | 'groups' | 'tenantSettings' | 'cdrs'
  >;
  readonly authenticator: DigestAuthenticator;
  readonly location: LocationLookup;
  readonly media: MediaEngine;
  /** Our sent-by (host, port) towards a destination: for Via and Contact. */
  readonly sentBy: SentBy;
  readonly audit?: AuditSink;
  readonly securityEvents?: SecurityEventSink;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly codecs?: readonly CodecSpec[];
  /** RFC 4028 session interval we ask for (default 1800 s) and our Min-SE (default 90 s). */
  readonly sessionExpires?: number;
  readonly minSessionExpires?: number;
  /** Accept a digest-uri naming this server instead of the Request-URI (SIPp); default false. */
  readonly acceptServerDigestUri?: boolean;
}

/** Methods the B2BUA takes from the server core. */
export const CALL_METHODS = [
  'INVITE',
  'ACK',
  'BYE',
  'CANCEL',
  'PRACK',
  'UPDATE',
  'INFO',
  'REFER',
  'NOTIFY',
] as const;

export class B2bua implements CallRegistry {
  readonly #o: B2buaOptions;
  readonly #deps: CallDeps;
  readonly #auth: CallerAuthenticator;
  readonly #logger: Logger;
  readonly #dialogs = new Map<string, { readonly call: Call; readonly leg: DialogLeg }>();
  readonly #calls = new Map<string, Call>();
  readonly #byInvite = new Map<ServerTransaction, Call>();
  readonly #pending = new Set<Promise<void>>();
  #layer: TransactionLayer | undefined;
  /** `bad-destination`: INVITEs to missing or forbidden destinations, for the intrusion detector. */
  readonly events = new TypedEmitter<B2buaEvents>();
  #unsubscribe: (() => void) | undefined;

  constructor(options: B2buaOptions) {
    this.#o = options;
    this.#logger = options.logger ?? nullLogger;
    this.#auth = new CallerAuthenticator(options.authenticator, options.repos);
    this.#deps = {
      signalling: new CallSignalling(() => {
        if (!this.#layer) throw new Error('B2BUA is not attached to a transaction layer');
        return this.#layer;
      }, options.sentBy),
      clock: options.clock ?? systemClock,
      logger: this.#logger,
      media: options.media,
      repos: options.repos,
      location: options.location,
      audit: options.audit,
      registry: this,
      codecs: options.codecs,
      sessionExpires: options.sessionExpires ?? 1800,
      minSessionExpires: options.minSessionExpires ?? 90,
    };
    this.#unsubscribe = options.media.onSessionEnded((e) =>
      this.#calls.get(e.callId)?.mediaEnded(e.reason),
    );
  }

  /** The transaction layer our requests go out through. */
  attach(layer: TransactionLayer): void {
    this.#layer = layer;
  }

  /** Media counters summed over every answered call that has ended (leg a = callers, b = callees). */
  readonly mediaTotals = {
    calls: 0,
    packetsFromCallers: 0,
    packetsFromCallees: 0,
    droppedWrongSource: 0,
    droppedEarly: 0,
  };

  mediaStats(stats: SessionStats): void {
    this.mediaTotals.calls++;
    this.mediaTotals.packetsFromCallers += stats.a.packetsIn;
    this.mediaTotals.packetsFromCallees += stats.b.packetsIn;
    this.mediaTotals.droppedWrongSource += stats.a.droppedWrongSource + stats.b.droppedWrongSource;
    this.mediaTotals.droppedEarly += stats.a.droppedEarly + stats.b.droppedEarly;
  }

  badDestination(probe: BadDestination): void {
    try {
      this.events.emit('bad-destination', probe);
    } catch (err) {
      this.#logger.error('bad-destination listener failed', { error: String(err) });
    }
  }

  activity(call: Call): void {
    try {
      this.events.emit('activity', {
        callId: call.id,
        tenantId: call.caller.tenant.id,
        parties: call.parties(),
      });
    } catch (err) {
      this.#logger.error('call activity listener failed', { error: String(err) });
    }
  }

  /** Calls in progress. */
  get activeCalls(): number {
    return this.#calls.size;
  }

  /** What the console shows of the calls in progress (those with a CDR, not ending), oldest first. */
  snapshots(): CallSnapshot[] {
    return [...this.#calls.values()]
      .map((c) => c.snapshot())
      .filter((s): s is CallSnapshot => s !== undefined)
      .sort((x, y) => x.startedAt - y.startedAt);
  }

  /**
   * Ends an answered call by its CDR id (an administrator's hang-up): BYE to
   * both phones, the media freed, the CDR committed with `cause` before this
   * resolves. A call still ringing is left alone (`not_answered`).
   */
  async endCall(id: string, cause: string): Promise<'ended' | 'not_found' | 'not_answered'> {
    const call = [...this.#calls.values()].find((c) => c.snapshot()?.id === id);
    if (!call) return 'not_found';
    if (call.state !== 'answering' && call.state !== 'confirmed') return 'not_answered';
    await call.hangUp('system', cause);
    return 'ended';
  }

  call(callId: string): Call | undefined {
    return this.#calls.get(callId);
  }

  bind(leg: DialogLeg, call: Call): void {
    this.#dialogs.set(dialogKey(leg.dialog.id), { call, leg });
  }

  unbind(leg: DialogLeg): void {
    const key = dialogKey(leg.dialog.id);
    if (this.#dialogs.get(key)?.leg === leg) this.#dialogs.delete(key);
  }

  lookup(callId: string, tagA: string, tagB: string): { call: Call; leg: DialogLeg } | undefined {
    return (
      this.#dialogs.get(dialogKey({ callId, localTag: tagA, remoteTag: tagB })) ??
      this.#dialogs.get(dialogKey({ callId, localTag: tagB, remoteTag: tagA }))
    );
  }

  ended(call: Call): void {
    if (this.#calls.get(call.id) === call) this.#calls.delete(call.id);
  }

  /** A request from the server core; `transaction` is undefined for an ACK of a 2xx. */
  receive(
    request: SipRequest,
    transaction: ServerTransaction | undefined,
    source: Destination,
  ): void {
    const work = this.#receive(request, transaction, source).catch((err: unknown) => {
      if (!isPalisadeError(err))
        this.#logger.error('call request failed', {
          method: request.method,
          error: err instanceof Error ? err.message : String(err),
        });
      if (transaction && !transaction.finalResponse)
        transaction.respond(createResponse(request, isPalisadeError(err) ? err.sipStatus : 500));
    });
    this.#pending.add(work);
    void work.finally(() => this.#pending.delete(work));
  }

  async #receive(
    request: SipRequest,
    transaction: ServerTransaction | undefined,
    source: Destination,
  ): Promise<void> {
    const id = dialogIdOf(request);
    const bound = id ? this.#dialogs.get(dialogKey(id)) : undefined;
    if (bound) return bound.call.inDialog(bound.leg, request, transaction);
    if (!transaction) return; // an ACK for nothing we know: dropped (§17.2.3)
    const respond = (status: number): void =>
      void transaction.respond(createResponse(request, status));
    if (request.method === 'CANCEL') {
      // §9.2: the CANCEL gets 200 when it matches an INVITE, the INVITE then 487
      const target = this.#layer?.findCancelTarget(request);
      const call = target ? this.#byInvite.get(target) : undefined;
      if (!target) return respond(481);
      respond(200);
      call?.cancel();
      return;
    }
    if (request.method === 'PRACK') {
      // RFC 3262 §3: in the early dialog of a call still ringing (the call checks the tags)
      const call = this.#calls.get(request.callId);
      return call ? call.prack(request, transaction) : respond(481);
    }
    if (request.method !== 'INVITE' || transaction.kind !== 'invite-server')
      return respond(id ? 481 : request.method === 'OPTIONS' ? 200 : 481);
    if (request.to.tag !== undefined) return respond(481);
    if ((request.first('max-forwards') ?? 70) <= 0) return respond(483);
    const check = await this.#auth.check(
      request,
      this.#o.acceptServerDigestUri ? this.#o.sentBy(source).host : undefined,
    );
    if (!check.ok) {
      if (check.reason !== 'missing' && check.reason !== 'stale')
        this.#o.securityEvents?.emit({
          type: 'sip.auth-failure',
          outcome: 'failure',
          remoteAddress: source.host,
          remotePort: source.port,
          method: 'INVITE',
          detail: {
            username: (check.username ?? '').slice(0, 128),
            reason: check.reason,
            transport: source.transport,
          },
        });
      transaction.respond(createResponse(request, check.status, { headers: check.headers }));
      return;
    }
    const call = new Call(this.#deps, { request, transaction, source, caller: check.caller });
    this.#calls.set(call.id, call);
    this.#byInvite.set(transaction, call);
    transaction.events.on('terminated', () => this.#byInvite.delete(transaction));
    await call.run();
  }

  /** Waits for work in flight (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  /** Ends every call (BYE, CDR committed) and stops listening to the media engine. */
  async close(): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    await Promise.all([...this.#calls.values()].map((c) => c.hangUp('system', 'shutdown')));
  }
}
