/**
 * The notifier of SIP-specific event notification (RFC 6665) as a handler
 * of the server core: SUBSCRIBE to the `dialog` (RFC 4235, busy-lamp
 * fields) and `presence` (RFC 3856) packages of a user of one's own tenant.
 *
 * A new SUBSCRIBE:
 *   1. names a package we serve (else 489 with Allow-Events) and a Contact;
 *   2. carries digest credentials of a device of the tenant, checked as for
 *      INVITE and REGISTER (CallerAuthenticator; as the UAS we challenge
 *      with 401, §22.2; unknown users and wrong passwords get the same
 *      answer, its To tag derived from the request);
 *   3. accepts the package's body type (else 406), asks an expiry within
 *      bounds (423 with Min-Expires below the minimum, shortened above the
 *      maximum, §4.2.1.1; 0 fetches the state once);
 *   4. names an extension of the subscriber's own tenant (another domain:
 *      403, whoever lives there; no such user: 404), and the subscriber's
 *      groups grant `presence` (else 403);
 *   5. fits the limits per device (403), per source address and overall
 *      (503 with Retry-After).
 * Then 200 with Expires, and at once a NOTIFY (§4.2.1.1) over the flow the
 * SUBSCRIBE came in on (the connection for TCP, TLS and WebSocket).
 *
 * In the dialog, SUBSCRIBE refreshes or (Expires: 0) ends it with a final
 * NOTIFY. A subscription made over a connection ends with it. It is not challenged again when it comes over the same flow; from
 * anywhere else it must authenticate as the same device. Each refresh
 * checks again that the subscriber may watch, and the watched user exists.
 */
import {
  PalisadeError,
  TypedEmitter,
  nullLogger,
  systemClock,
  type Clock,
  type Logger,
  type SecurityEventSink,
} from '@palisade/common';
import { permits, type DigestAuthenticator, type Permission } from '@palisade/security';
import {
  Dialog,
  createResponse,
  dialogIdOf,
  dialogKey,
  isWildcard,
  newTag,
  unescapeComponent,
} from '@palisade/sip';
import type { Destination, ExtraHeaders, SipRequest, TransactionLayer } from '@palisade/sip';
import { CallSignalling } from '../calls/call-signalling.ts';
import type { SentBy } from '../calls/call-signalling.ts';
import { CallerAuthenticator } from '../calls/caller-authenticator.ts';
import type { AuthenticatedCaller } from '../calls/caller-authenticator.ts';
import type { PbxRepositories } from '../ports/pbx-store.ts';
import type { RegistrarEvents } from '../registrar/registrar-events.ts';
import type { IncomingRequest } from '../sip/sip-server-core.ts';
import { stableToTag } from '../sip/stable-to-tag.ts';
import type { ChangeKind, EventPackage } from './event-package.ts';
import { Subscription } from './subscription.ts';
import type { NotifyRequest, SubscriptionDeps } from './subscription.ts';
import { DEFAULT_SUBSCRIPTION_POLICY } from './subscription-policy.ts';
import type { SubscriptionPolicy } from './subscription-policy.ts';
import type { UserDialog } from './user-dialogs.ts';
import type { WatchedUser } from './watched-user.ts';

/** Who may see colleagues' presence and busy lamps. */
export const PRESENCE_PERMISSION: Permission = 'presence';

export interface EventNotifierOptions {
  readonly repos: Pick<PbxRepositories, 'tenants' | 'users' | 'devices' | 'groups'>;
  readonly authenticator: DigestAuthenticator;
  readonly packages: readonly EventPackage[];
  /** Our sent-by (host, port) towards a destination: for Via and Contact. */
  readonly sentBy: SentBy;
  readonly policy?: Partial<SubscriptionPolicy>;
  /** `sip.auth-failure` for logs, syslog and detectors. */
  readonly securityEvents?: SecurityEventSink;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Accept a digest-uri naming this server instead of the Request-URI (SIPp), as for INVITE. */
  readonly acceptServerDigestUri?: boolean;
}

/** A refusal of the SUBSCRIBE, answered by the handler. */
class Refusal extends Error {
  readonly status: number;
  readonly headers: ExtraHeaders;
  readonly reason: string | undefined;
  constructor(status: number, headers: ExtraHeaders = [], reason?: string) {
    super(`SUBSCRIBE refused with ${status}`);
    this.status = status;
    this.headers = headers;
    this.reason = reason;
  }
}

const sameFlow = (a: Destination, b: Destination): boolean =>
  a.transport === b.transport &&
  a.host === b.host &&
  a.port === b.port &&
  a.connectionId === b.connectionId;

export class EventNotifier {
  /** `auth-failure`: failed digests, for the intrusion detector (as the registrar's). */
  readonly events = new TypedEmitter<RegistrarEvents>();
  readonly #o: EventNotifierOptions;
  readonly #policy: SubscriptionPolicy;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #auth: CallerAuthenticator;
  readonly #packages: ReadonlyMap<string, EventPackage>;
  readonly #allowEvents: string;
  readonly #signalling: CallSignalling;
  readonly #byDialog = new Map<string, Subscription>();
  readonly #byWatched = new Map<string, Set<Subscription>>();
  readonly #perDevice = new Map<string, number>();
  readonly #perSource = new Map<string, number>();
  readonly #deps: SubscriptionDeps;
  #layer: TransactionLayer | undefined;
  #closed = false;
  /** Resolves `close()`'s wait once the last subscription is gone. */
  #drained: (() => void) | undefined;

  constructor(options: EventNotifierOptions) {
    this.#o = options;
    this.#policy = { ...DEFAULT_SUBSCRIPTION_POLICY, ...options.policy };
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? nullLogger;
    this.#auth = new CallerAuthenticator(options.authenticator, options.repos, 'www');
    this.#packages = new Map(options.packages.map((p) => [p.name, p]));
    this.#allowEvents = options.packages.map((p) => p.name).join(', ');
    this.#signalling = new CallSignalling(() => {
      if (!this.#layer) throw new Error('notifier is not attached to a transaction layer');
      return this.#layer;
    }, options.sentBy);
    this.#deps = {
      clock: this.#clock,
      notify: (n) => this.#notify(n),
      terminated: (s) => this.#forget(s),
    };
  }

  /** The transaction layer our NOTIFYs go out through. */
  attach(layer: TransactionLayer): void {
    this.#layer = layer;
  }

  get policy(): SubscriptionPolicy {
    return this.#policy;
  }

  /** Subscriptions held. */
  get size(): number {
    return this.#byDialog.size;
  }

  /** The handler to register for SUBSCRIBE on the server core. */
  readonly handle = async (incoming: IncomingRequest): Promise<void> => {
    const { request } = incoming;
    try {
      if (request.to.tag !== undefined) await this.#inDialog(incoming);
      else await this.#subscribe(incoming);
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      incoming.respond(err.status, {
        ...(request.to.tag === undefined ? { toTag: stableToTag(request) } : {}),
        headers: err.headers,
        ...(err.reason ? { reason: err.reason } : {}),
      });
    }
  };

  /** The watched user's state changed: every subscription to them whose package follows it. */
  userChanged(userId: string, kind: ChangeKind, ended: readonly UserDialog[] = []): void {
    for (const sub of this.#byWatched.get(userId) ?? [])
      if (sub.package.follows.has(kind)) sub.changed(ended);
  }

  /**
   * A connection closed (TCP, TLS, WS, WSS): the subscriptions whose NOTIFYs
   * went over it can no longer be notified (we never open connections to
   * phones), so they are forgotten at once; a phone that reconnects
   * subscribes again (its refresh gets 481). Returns how many went.
   */
  dropConnection(connectionId: string): number {
    const gone = [...this.#byDialog.values()].filter(
      (s) => s.destination.connectionId === connectionId,
    );
    for (const sub of gone) sub.close();
    return gone.length;
  }

  /**
   * Ends every subscription with a final NOTIFY (`deactivated`: the
   * subscriber may subscribe again at once, §4.1.3), waiting at most
   * `graceMs` for their answers; what is left then is forgotten.
   */
  async close(graceMs = 2000): Promise<void> {
    this.#closed = true;
    if (this.#byDialog.size === 0) return;
    const drained = new Promise<void>((resolve) => (this.#drained = resolve));
    for (const sub of [...this.#byDialog.values()]) sub.end('deactivated');
    let timer: { cancel(): void } | undefined;
    await Promise.race([
      drained,
      new Promise<void>((resolve) => (timer = this.#clock.setTimeout(resolve, graceMs))),
    ]);
    timer?.cancel();
    for (const sub of [...this.#byDialog.values()]) sub.close();
  }

  // ── a new subscription ────────────────────────────────────────────────

  async #subscribe(incoming: IncomingRequest): Promise<void> {
    const { request, source } = incoming;
    const pkg = this.#package(request);
    const contact = request.header('contact');
    if (contact.length !== 1 || isWildcard(contact[0]!))
      throw new Refusal(400, [], 'Missing Contact');
    const subscriber = await this.#authenticate(incoming);
    this.#checkAccept(request, pkg);
    const seconds = this.#expires(request, pkg);
    const watched = await this.#watched(request, subscriber);
    if (!(await this.#mayWatch(subscriber.user.id)))
      throw new Refusal(403, [], 'Presence Not Permitted');
    this.#checkLimits(subscriber.device.id, source);
    if (this.#closed) throw new Refusal(503, [['Retry-After', '30']]);
    const toTag = newTag();
    const contactHeader = [this.#signalling.contact(source)];
    const headers: ExtraHeaders = [
      ['Expires', String(seconds)],
      ['Allow-Events', this.#allowEvents],
    ];
    const dialog = Dialog.asUas(
      request,
      createResponse(request, 200, { toTag, contact: contactHeader }),
    );
    incoming.respond(200, { toTag, contact: contactHeader, headers });
    const sub = new Subscription(this.#deps, {
      dialog,
      destination: source,
      package: pkg,
      eventId: request.first('event')?.id,
      watched,
      subscriber: {
        tenantId: subscriber.tenant.id,
        userId: subscriber.user.id,
        deviceId: subscriber.device.id,
      },
    });
    this.#remember(sub);
    // §4.2.1.1: the NOTIFY follows at once; Expires: 0 fetches the state once and ends
    sub.refresh(seconds);
  }

  #package(request: SipRequest): EventPackage {
    const event = request.first('event');
    const pkg = event ? this.#packages.get(event.event.toLowerCase()) : undefined;
    if (!pkg) throw new Refusal(489, [['Allow-Events', this.#allowEvents]]);
    return pkg;
  }

  /** The subscriber; a Refusal (the challenge, or 403 for a disabled user) otherwise. */
  async #authenticate(incoming: IncomingRequest): Promise<AuthenticatedCaller> {
    const { request, source } = incoming;
    const check = await this.#auth.check(
      request,
      this.#o.acceptServerDigestUri ? this.#o.sentBy(source).host : undefined,
    );
    if (check.ok) return check.caller;
    if (check.reason !== 'missing' && check.reason !== 'stale') {
      const username = (check.username ?? '').slice(0, 128);
      const realm = CallerAuthenticator.realmOf(request);
      this.#o.securityEvents?.emit({
        type: 'sip.auth-failure',
        outcome: 'failure',
        remoteAddress: source.host,
        remotePort: source.port,
        method: 'SUBSCRIBE',
        detail: { username, realm, reason: check.reason, transport: source.transport },
      });
      this.events.emit('auth-failure', {
        sourceAddress: source.host,
        sourcePort: source.port,
        transport: source.transport,
        username,
        realm,
        reason: check.reason,
      });
    }
    throw new Refusal(check.status, check.headers);
  }

  /** RFC 3261 §21.4.7: an Accept that excludes the package's body type gets 406. */
  #checkAccept(request: SipRequest, pkg: EventPackage): void {
    if (!request.has('accept')) return;
    const [major] = pkg.contentType.split('/');
    const ok = request
      .header('accept')
      .some(
        (m) => m.essence === pkg.contentType || m.essence === '*/*' || m.essence === `${major}/*`,
      );
    if (!ok) throw new Refusal(406, [['Accept', pkg.contentType]]);
  }

  /** The granted expiry (RFC 6665 §4.2.1.1): 423 below the minimum, shortened above the maximum. */
  #expires(request: SipRequest, pkg: EventPackage): number {
    const wanted = request.first('expires') ?? pkg.defaultExpires;
    if (wanted > 0 && wanted < this.#policy.minExpires)
      throw new Refusal(423, [['Min-Expires', String(this.#policy.minExpires)]]);
    return Math.min(wanted, this.#policy.maxExpires);
  }

  /** The user the Request-URI names, in the subscriber's tenant only. */
  async #watched(request: SipRequest, subscriber: AuthenticatedCaller): Promise<WatchedUser> {
    const uri = request.uri;
    const domain = subscriber.tenant.sipDomain;
    // another tenant's domain (or none of ours): refused alike, whoever lives there
    if (uri.kind !== 'sip' || uri.host.toLowerCase() !== domain)
      throw new Refusal(403, [], 'Not Your Tenant');
    const extension = uri.user === undefined ? '' : unescapeComponent(uri.user);
    const user = /^[0-9]{1,32}$/.test(extension)
      ? await this.#o.repos.users.findByExtension(subscriber.tenant.id, extension)
      : null;
    if (!user || user.state !== 'active') throw new Refusal(404);
    return {
      tenantId: user.tenantId,
      userId: user.id,
      extension: user.extension,
      displayName: user.displayName,
      domain,
    };
  }

  /** The user is active and one of their groups grants `presence`. */
  async #mayWatch(userId: string): Promise<boolean> {
    const user = await this.#o.repos.users.findById(userId);
    if (!user || user.state !== 'active') return false;
    const groups = await this.#o.repos.groups.listGroupsOfUser(userId);
    return permits(new Set(groups.flatMap((g) => g.permissions)), PRESENCE_PERMISSION);
  }

  #checkLimits(deviceId: string, source: Destination): void {
    if (this.#byDialog.size >= this.#policy.maxTotal)
      throw new Refusal(503, [['Retry-After', '60']]);
    if ((this.#perSource.get(source.host) ?? 0) >= this.#policy.maxPerSource)
      throw new Refusal(503, [['Retry-After', '60']]);
    if ((this.#perDevice.get(deviceId) ?? 0) >= this.#policy.maxPerDevice)
      throw new Refusal(403, [], 'Too Many Subscriptions');
  }

  // ── in its dialog: refresh and un-subscribe ───────────────────────────

  async #inDialog(incoming: IncomingRequest): Promise<void> {
    const { request, source } = incoming;
    const id = dialogIdOf(request);
    const sub = id ? this.#byDialog.get(dialogKey(id)) : undefined;
    if (!sub || sub.state !== 'active') throw new Refusal(481);
    const event = request.first('event');
    if (event?.event.toLowerCase() !== sub.package.name || event.id !== sub.eventId)
      throw new Refusal(481);
    if (!sameFlow(sub.destination, source)) {
      // from another flow (a new connection, a NAT rebinding): prove it is the same device
      const subscriber = await this.#authenticate(incoming);
      if (subscriber.device.id !== sub.subscriber.deviceId) throw new Refusal(403);
    }
    if (sub.dialog.receiveRequest(request) === 'out_of_order') throw new Refusal(500);
    const seconds = this.#expires(request, sub.package);
    if (seconds > 0 && !(await this.#stillAllowed(sub))) {
      incoming.respond(403);
      sub.end('rejected');
      return;
    }
    if (!sameFlow(sub.destination, source)) this.#move(sub, source);
    incoming.respond(200, {
      contact: [this.#signalling.contact(source)],
      headers: [['Expires', String(seconds)]],
    });
    // §4.2.1.2: a refresh gets the full state; Expires: 0 a final NOTIFY
    sub.refresh(seconds);
  }

  async #stillAllowed(sub: Subscription): Promise<boolean> {
    const watched = await this.#o.repos.users.findById(sub.watched.userId);
    return (
      watched !== null &&
      watched.state === 'active' &&
      watched.tenantId === sub.subscriber.tenantId &&
      (await this.#mayWatch(sub.subscriber.userId))
    );
  }

  // ── bookkeeping ───────────────────────────────────────────────────────

  #remember(sub: Subscription): void {
    this.#byDialog.set(dialogKey(sub.dialog.id), sub);
    let watchers = this.#byWatched.get(sub.watched.userId);
    if (!watchers) this.#byWatched.set(sub.watched.userId, (watchers = new Set()));
    watchers.add(sub);
    bump(this.#perDevice, sub.subscriber.deviceId, 1);
    bump(this.#perSource, sub.destination.host, 1);
  }

  #move(sub: Subscription, to: Destination): void {
    bump(this.#perSource, sub.destination.host, -1);
    sub.destination = to;
    bump(this.#perSource, to.host, 1);
  }

  #forget(sub: Subscription): void {
    const key = dialogKey(sub.dialog.id);
    if (this.#byDialog.get(key) !== sub) return;
    this.#byDialog.delete(key);
    const watchers = this.#byWatched.get(sub.watched.userId);
    watchers?.delete(sub);
    if (watchers?.size === 0) this.#byWatched.delete(sub.watched.userId);
    bump(this.#perDevice, sub.subscriber.deviceId, -1);
    bump(this.#perSource, sub.destination.host, -1);
    if (this.#byDialog.size === 0) this.#drained?.();
  }

  async #notify(n: NotifyRequest): Promise<number> {
    if (!this.#layer) return 503;
    const request = n.dialog.createRequest('NOTIFY', {
      contact: [this.#signalling.contact(n.destination)],
      headers: [
        ['Event', n.event],
        ['Subscription-State', n.state],
      ],
      body: Buffer.from(n.body, 'utf8'),
      contentType: n.contentType,
    });
    try {
      const { final } = this.#signalling.request(request, n.destination);
      return (await final).response.status;
    } catch (err) {
      this.#logger.warn('NOTIFY could not be sent', {
        error: err instanceof PalisadeError ? err.code : String(err),
      });
      return 503;
    }
  }
}

function bump(counts: Map<string, number>, key: string, by: number): void {
  const n = (counts.get(key) ?? 0) + by;
  if (n > 0) counts.set(key, n);
  else counts.delete(key);
}
