/**
 * The registrar (RFC 3261 §10.3) as a handler of the server core:
 *
 *   1. digest authentication against the device credentials (RFC 8760:
 *      SHA-256 and MD5 challenges, qop=auth; stale=true for an expired or
 *      forgotten nonce). Unknown users and wrong passwords get the same
 *      answer, byte for byte apart from the nonce: the To tag is derived
 *      from the request, never random, and the challenge never depends on
 *      the user.
 *   2. the To user must be the authenticated device (else 403, §10.3 step 3),
 *      and the device's user must be active (else 403: a disabled user's
 *      phones stop registering, as their calls stop).
 *   3. Contact processing (§10.3 steps 6–8): `*` only alone and with
 *      Expires: 0; expiry from the contact's expires parameter, else the
 *      Expires header, else the default; non-zero expiry below the minimum →
 *      423 with Min-Expires; above the maximum → shortened. A binding is
 *      found by +sip.instance and reg-id (RFC 5626 §6) or else by URI
 *      equality; an update with the same Call-ID must have a higher CSeq.
 *   4. the change is committed to storage before the 200 OK, which lists
 *      every current contact with its remaining expiry (§10.3 step 8) and
 *      echoes the Path (RFC 3327 §5.3) when the UA supports it.
 *
 * New registrations (not refreshes) emit `sip.register`; failed
 * authentications emit `sip.auth-failure` and the `auth-failure` event.
 */
import { randomUUID } from 'node:crypto';
import { TypedEmitter, systemClock } from '@palisade/common';
import type { Clock, SecurityEventSink } from '@palisade/common';
import { parseDigestAlgorithm } from '@palisade/security';
import type { DigestAuthenticator } from '@palisade/security';
import {
  formatDigestChallenge,
  formatUri,
  isWildcard,
  unescapeComponent,
  uriEquals,
  parseUri,
} from '@palisade/sip';
import type {
  ContactAddr,
  DigestCredentials,
  ExtraHeaders,
  ResponseInit,
  SipRequest,
  SipUri,
  Uri,
} from '@palisade/sip';
import type { DeviceRepository, Device } from '../ports/device-repository.ts';
import type { RegistrationBinding } from '../ports/registration-repository.ts';
import type { User, UserRepository } from '../ports/user-repository.ts';
import type { IncomingRequest } from '../sip/sip-server-core.ts';
import { stableToTag } from '../sip/stable-to-tag.ts';
import { isConnectionBound, type LocationService } from './location-service.ts';
import { DEFAULT_REGISTER_POLICY } from './register-policy.ts';
import type { RegisterPolicy } from './register-policy.ts';
import type { RegistrarEvents } from './registrar-events.ts';

export interface RegistrarOptions {
  readonly devices: Pick<DeviceRepository, 'findBySipDomainAndUsername'>;
  readonly users: Pick<UserRepository, 'findById'>;
  readonly location: LocationService;
  readonly authenticator: DigestAuthenticator;
  /** Security events (`sip.register`, `sip.auth-failure`): log, syslog, detectors. */
  readonly securityEvents: SecurityEventSink;
  readonly clock?: Clock;
  readonly policy?: Partial<RegisterPolicy>;
}

/** Refuses the REGISTER with `status`; caught by the registrar and answered. */
class Refusal extends Error {
  readonly status: number;
  readonly reason: string | undefined;
  readonly headers: ExtraHeaders;
  constructor(status: number, reason?: string, headers: ExtraHeaders = []) {
    super(`REGISTER refused with ${status}`);
    this.status = status;
    this.reason = reason;
    this.headers = headers;
  }
}

interface ContactChange {
  readonly contact: ContactAddr;
  readonly expires: number;
}

/**
 * A digest-uri matches the Request-URI (RFC 7616 §3.4.6) when equal as text
 * or as SIP URIs (RFC 3261 §19.1.4). Deliberate leniency: a digest-uri that
 * only adds a port to a port-less Request-URI also matches, because common
 * clients (SIPp) put the address they sent to there. Replaying a response
 * for another URI is still impossible: the nonce count is checked.
 */
export function digestUriMatches(digestUri: string, requestUri: string): boolean {
  if (digestUri === requestUri) return true;
  // the same few pairs come again and again (one per client kind): parse each once
  const key = `${digestUri}\n${requestUri}`;
  let answer = uriMatchAnswers.get(key);
  if (answer === undefined) {
    answer = uriMatch(digestUri, requestUri);
    if (uriMatchAnswers.size >= 1024) uriMatchAnswers.clear();
    uriMatchAnswers.set(key, answer);
  }
  return answer;
}

const uriMatchAnswers = new Map<string, boolean>();

function uriMatch(digestUri: string, requestUri: string): boolean {
  try {
    const a = parseUri(digestUri, 'authorization');
    const b = parseUri(requestUri, 'request-uri');
    if (uriEquals(a, b)) return true;
    return (
      a.kind === 'sip' &&
      b.kind === 'sip' &&
      a.scheme === b.scheme &&
      b.port === undefined &&
      a.user === b.user &&
      a.host.toLowerCase() === b.host.toLowerCase()
    );
  } catch {
    return false;
  }
}

const MAX_USER_AGENT = 256;

export class Registrar {
  readonly events = new TypedEmitter<RegistrarEvents>();
  readonly #o: RegistrarOptions;
  readonly #policy: RegisterPolicy;
  readonly #clock: Clock;

  constructor(options: RegistrarOptions) {
    this.#o = options;
    this.#policy = { ...DEFAULT_REGISTER_POLICY, ...options.policy };
    this.#clock = options.clock ?? systemClock;
  }

  get policy(): RegisterPolicy {
    return this.#policy;
  }

  /**
   * The stateless handler for REGISTER on the server core (RFC 3261 §8.2.7):
   * a REGISTER without credentials for its realm gets its 401 at once, with
   * no transaction kept for it. Anything else (credentials, a To that is no
   * AOR) is left to `handle`.
   */
  readonly challenge = (
    request: SipRequest,
  ): { status: number; init: ResponseInit } | undefined => {
    let aor: Aor;
    try {
      aor = aorOf(request);
    } catch {
      return undefined;
    }
    if (credentialsFor(request, aor.realm)) return undefined;
    return { status: 401, init: this.#challengeInit(request, aor.realm) };
  };

  /** The handler to register for REGISTER on the server core. */
  readonly handle = async (incoming: IncomingRequest): Promise<void> => {
    const { request } = incoming;
    const toTag = stableToTag(request);
    try {
      const aor = aorOf(request);
      const found = await this.#authenticate(incoming, aor, toTag);
      if (!found) return;
      const { contacts, path } = await this.#apply(incoming, aor, found.device, found.user);
      const headers: [string, string][] = contacts.map((c) => ['Contact', c]);
      if (path.length > 0 && supports(request, 'path'))
        for (const p of path) headers.push(['Path', p]);
      if (
        request.header('contact').some((c) => !isWildcard(c) && c.regId !== undefined) &&
        supports(request, 'outbound')
      )
        headers.push(['Require', 'outbound']);
      headers.push(['Date', httpDate(this.#clock.now())]);
      incoming.respond(200, { toTag, headers });
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      incoming.respond(err.status, {
        toTag,
        headers: err.headers,
        ...(err.reason ? { reason: err.reason } : {}),
      });
    }
  };

  async #authenticate(
    incoming: IncomingRequest,
    aor: Aor,
    toTag: string,
  ): Promise<{ device: Device; user: User } | null> {
    const { request } = incoming;
    const credentials = credentialsFor(request, aor.realm);
    if (!credentials) {
      incoming.respond(401, this.#challengeInit(request, aor.realm));
      return null;
    }
    const params = paramsRecord(credentials);
    const algorithm = parseDigestAlgorithm(credentials.algorithm);
    const device =
      algorithm === null
        ? null
        : await this.#o.devices.findBySipDomainAndUsername(aor.realm, credentials.username);
    const ha1 = device === null ? null : algorithm === 'MD5' ? device.ha1Md5 : device.ha1Sha256;
    const verdict = this.#o.authenticator.verify({
      method: 'REGISTER',
      uri: formatUri(request.uri),
      realm: aor.realm,
      params,
      ha1,
    });
    if (!verdict.ok || device === null) {
      const reason = verdict.ok ? 'unknown-user' : verdict.reason;
      const stale = !verdict.ok && verdict.stale;
      if (!stale) this.#authFailed(incoming, credentials.username, aor.realm, reason);
      incoming.respond(401, { toTag, headers: this.#challenges(aor.realm, stale) });
      return null;
    }
    // §10.3 step 3: the authenticated device may only register its own AOR
    if (device.sipUsername !== aor.user) throw new Refusal(403);
    const user = await this.#o.users.findById(device.userId);
    if (user?.state !== 'active') throw new Refusal(403);
    return { device, user };
  }

  /** The answer to a REGISTER without credentials: a 401 with fresh challenges. */
  #challengeInit(request: SipRequest, realm: string): ResponseInit {
    return { toTag: stableToTag(request), headers: this.#challenges(realm, false) };
  }

  #challenges(realm: string, stale: boolean): ExtraHeaders {
    return this.#o.authenticator.challenges(realm, { stale }).map((c) => [
      'WWW-Authenticate',
      formatDigestChallenge({
        realm: c.realm,
        nonce: c.nonce,
        opaque: c.opaque,
        algorithm: c.algorithm,
        qop: [c.qop],
        stale: c.stale,
      }),
    ]);
  }

  #authFailed(incoming: IncomingRequest, username: string, realm: string, reason: string): void {
    const { source } = incoming;
    const failure = {
      sourceAddress: source.host,
      sourcePort: source.port,
      transport: source.transport,
      username: username.slice(0, 128),
      realm,
      reason,
    };
    this.#o.securityEvents.emit({
      type: 'sip.auth-failure',
      outcome: 'failure',
      remoteAddress: source.host,
      remotePort: source.port,
      method: 'REGISTER',
      detail: { username: failure.username, realm, reason, transport: source.transport },
    });
    this.events.emit('auth-failure', failure);
  }

  async #apply(
    incoming: IncomingRequest,
    aor: Aor,
    device: Device,
    user: User,
  ): Promise<{ contacts: string[]; path: string[] }> {
    const { request, source } = incoming;
    const changes = this.#contactChanges(request);
    const callId = request.callId;
    const cseq = request.cseq.seq;
    const path = request
      .raw('path')
      .flatMap((line) => line.split(/,(?=\s*<)/).map((p) => p.trim()));
    const userAgent = (request.first('user-agent') ?? '').slice(0, MAX_USER_AGENT);
    const fresh: RegistrationBinding[] = [];
    // RFC 7118 §5: a WebSocket client is reachable only over its connection
    const connectionId =
      isConnectionBound(source.transport) && source.connectionId !== undefined
        ? source.connectionId
        : undefined;
    const next = await this.#o.location.change(device.id, async (current) => {
      if (connectionId !== undefined && this.#o.location.connectionClosed(connectionId))
        throw new Refusal(503, 'Connection closed');
      const now = this.#clock.now();
      let list = [...current];
      const upsert: RegistrationBinding[] = [];
      const remove: string[] = [];
      const outOfOrder = (b: RegistrationBinding): boolean => b.callId === callId && cseq <= b.cseq;
      if (changes === 'wildcard') {
        // §10.3 step 6: remove every binding, each subject to the ordering rule
        if (list.some(outOfOrder))
          throw new Refusal(500, 'Out of order CSeq', [['Retry-After', '1']]);
        remove.push(...list.map((b) => b.id));
        list = [];
      } else {
        for (const { contact, expires } of changes) {
          const existing = list.find((b) => sameBinding(b, contact));
          if (existing && outOfOrder(existing))
            throw new Refusal(500, 'Out of order CSeq', [['Retry-After', '1']]);
          if (existing) list = list.filter((b) => b !== existing);
          if (expires === 0) {
            if (existing) remove.push(existing.id);
            continue;
          }
          const binding: RegistrationBinding = {
            id: existing?.id ?? randomUUID(),
            tenantId: device.tenantId,
            userId: device.userId,
            deviceId: device.id,
            aor: aor.text,
            contactUri: formatUri(contact.uri),
            contactHeader: contact.withParam('expires', undefined).toString(),
            instanceId: contact.instance ?? null,
            regId: contact.regId ?? null,
            q: contact.q ?? null,
            callId,
            cseq,
            path,
            transport: source.transport,
            sourceAddress: source.host,
            sourcePort: source.port,
            ...(connectionId !== undefined ? { connectionId } : {}),
            userAgent,
            expiresAt: now + expires * 1000,
            registeredAt: existing?.registeredAt ?? now,
            updatedAt: now,
          };
          if (!existing) fresh.push(binding);
          list.push(binding);
          upsert.push(binding);
        }
        if (list.length > this.#policy.maxContactsPerDevice)
          throw new Refusal(403, 'Too Many Contacts');
      }
      return { next: list, upsert, remove, result: list };
    });
    const now = this.#clock.now();
    for (const b of fresh) this.#registered(b, device, user);
    return {
      contacts: next.map(
        (b) => `${b.contactHeader};expires=${Math.max(0, Math.round((b.expiresAt - now) / 1000))}`,
      ),
      path: next.find((b) => b.path.length > 0)?.path.slice() ?? [],
    };
  }

  /** The Contact values of the request with their expiry, or `wildcard`; throws a Refusal when invalid. */
  #contactChanges(request: SipRequest): ContactChange[] | 'wildcard' {
    const contacts = request.header('contact');
    const header = request.first('expires');
    if (contacts.some(isWildcard)) {
      // §10.3 step 6: "*" only alone and with Expires: 0
      if (contacts.length !== 1 || header !== 0) throw new Refusal(400, 'Invalid Wildcard');
      return 'wildcard';
    }
    const out: ContactChange[] = [];
    for (const c of contacts) {
      if (isWildcard(c)) continue;
      const wanted = c.expires ?? header ?? this.#policy.defaultExpires;
      if (!Number.isInteger(wanted) || wanted < 0) throw new Refusal(400, 'Invalid Expires');
      if (wanted > 0 && wanted < this.#policy.minExpires)
        throw new Refusal(423, undefined, [['Min-Expires', String(this.#policy.minExpires)]]);
      out.push({ contact: c, expires: Math.min(wanted, this.#policy.maxExpires) });
    }
    return out;
  }

  #registered(binding: RegistrationBinding, device: Device, user: User): void {
    this.#o.securityEvents.emit({
      type: 'sip.register',
      outcome: 'success',
      tenantId: device.tenantId,
      actor: `device:${device.id}`,
      remoteAddress: binding.sourceAddress,
      remotePort: binding.sourcePort,
      method: 'REGISTER',
      detail: {
        user: user.username,
        displayName: user.displayName,
        sipUsername: device.sipUsername,
        aor: binding.aor,
        contact: binding.contactUri,
        userAgent: binding.userAgent,
        transport: binding.transport,
      },
    });
  }
}

interface Aor {
  readonly user: string;
  /** Lower-case domain: the realm and the tenant's SIP domain. */
  readonly realm: string;
  readonly text: string;
}

/** The address-of-record from To (§10.3 step 5); 404 when it cannot be one. */
function aorOf(request: SipRequest): Aor {
  const uri = request.to.uri;
  if (uri.kind !== 'sip' || uri.user === undefined || uri.user === '') throw new Refusal(404);
  const user = unescapeComponent(uri.user);
  const realm = hostOf(uri).toLowerCase();
  return { user, realm, text: `${uri.scheme}:${user}@${realm}` };
}

function hostOf(uri: SipUri): string {
  return uri.host;
}

function sameBinding(b: RegistrationBinding, contact: ContactAddr): boolean {
  // RFC 5626 §6: with an instance and reg-id the flow is the key
  if (contact.instance !== undefined && contact.regId !== undefined)
    return b.instanceId === contact.instance && b.regId === contact.regId;
  if (b.regId !== null) return false;
  const uri = contactUriOf(b);
  return uri !== null && uriEquals(uri, contact.uri);
}

/** Stored contact URIs parsed lately: every refresh compares the binding's with the request's. */
const contactUris = new Map<string, Uri | null>();

function contactUriOf(b: RegistrationBinding): Uri | null {
  let uri = contactUris.get(b.contactUri);
  if (uri === undefined) {
    try {
      uri = parseUri(b.contactUri, 'contact');
    } catch {
      uri = null;
    }
    if (contactUris.size >= 10_000) contactUris.clear();
    contactUris.set(b.contactUri, uri);
  }
  return uri;
}

let dateSecond = -1;
let dateText = '';

/** The Date header value (RFC 3261 §20.17), made once a second. */
function httpDate(now: number): string {
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(second * 1000).toUTCString();
  }
  return dateText;
}

/**
 * The parameters of Digest credentials as the authenticator takes them. A
 * prototype-less object filled with forEach: Object.fromEntries walks the
 * Map with an iterator object per entry, on every authenticated request.
 */
function paramsRecord(credentials: DigestCredentials): Record<string, string> {
  const params = Object.create(null) as Record<string, string>;
  credentials.params.forEach((value, name) => {
    params[name] = value;
  });
  return params;
}

/** The Digest credentials of the request for `realm`, if any. */
function credentialsFor(request: SipRequest, realm: string): DigestCredentials | undefined {
  return request
    .header('authorization')
    .find((c): c is DigestCredentials => c.kind === 'digest' && c.realm.toLowerCase() === realm);
}

function supports(request: SipRequest, tag: string): boolean {
  return request.header('supported').some((t) => t.toLowerCase() === tag);
}
