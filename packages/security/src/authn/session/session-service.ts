/**
 * Web sessions: issue, check, rotate, re-authenticate and revoke. A session
 * token is presented in the `__Host-palisade` cookie; a request that changes
 * state also presents the session's CSRF token (synchronizer token pattern).
 *
 *   password ok ──▶ location ──confirm──▶ mfa ──factor──▶ active
 *        └──────────────┴──────────────────┴──────────────▶ (each step rotates the token)
 */
import type { Clock } from '@palisade/common';
import { constantTimeEqual } from '../../crypto/constant-time-equal.ts';
import type {
  SessionKind,
  SessionStage,
  WebSession,
  WebSessionRepository,
} from '../../ports/web-session-repository.ts';
import { timeoutsFor, type SessionPolicy } from './session-policy.ts';
import {
  csrfTokenFor,
  generateSessionToken,
  hashSessionToken,
  isSessionTokenShape,
  type GeneratedSessionToken,
} from './session-token.ts';

function csrfOf(token: GeneratedSessionToken): GeneratedSessionToken {
  const csrf = csrfTokenFor(token.token);
  return { token: csrf, hash: hashSessionToken(csrf) };
}

export interface IssuedSession {
  readonly session: WebSession;
  /** The cookie value (active) or login token (pending); shown once. */
  readonly token: string;
  readonly csrfToken: string;
}

/** Which sessions a revocation ended: one, or all of a user's but one. */
export type SessionsEnded =
  { readonly sessionId: string } | { readonly userId: string; readonly exceptSessionId?: string };

/** A last-seen update is written at most this often, to keep checks cheap. */
const TOUCH_RESOLUTION_MS = 15_000;

export class SessionService {
  readonly #repo: WebSessionRepository;
  readonly #clock: Clock;
  readonly policy: SessionPolicy;
  readonly #endListeners: ((ended: SessionsEnded) => void)[] = [];

  constructor(repo: WebSessionRepository, clock: Clock, policy: SessionPolicy) {
    this.#repo = repo;
    this.#clock = clock;
    this.policy = policy;
  }

  async start(input: {
    tenantId: string;
    userId: string;
    kind: SessionKind;
    stage: SessionStage;
    mustEnrolMfa: boolean;
    remoteAddress: string;
    userAgent: string;
  }): Promise<IssuedSession> {
    const now = this.#clock.now();
    const token = generateSessionToken();
    const csrf = csrfOf(token);
    const t = timeoutsFor(this.policy, input.kind);
    const pending = input.stage !== 'active';
    const session = await this.#repo.create({
      ...input,
      userAgent: input.userAgent.replace(/\p{Cc}/gu, '').slice(0, 256),
      tokenHash: token.hash,
      csrfHash: csrf.hash,
      expiresAt: now + (pending ? this.policy.pendingMs : t.absoluteMs),
      idleTimeoutMs: pending ? this.policy.pendingMs : t.idleMs,
      authenticatedAt: now,
    });
    return { session, token: token.token, csrfToken: csrf.token };
  }

  #live(s: WebSession | null, now: number): s is WebSession {
    return (
      s !== null &&
      s.revokedAt === null &&
      now < s.expiresAt &&
      now - s.lastSeenAt < s.idleTimeoutMs
    );
  }

  async #find(token: string): Promise<WebSession | null> {
    if (typeof token !== 'string' || !isSessionTokenShape(token)) return null;
    const s = await this.#repo.findByTokenHash(hashSessionToken(token));
    return this.#live(s, this.#clock.now()) ? s : null;
  }

  /** The active session a cookie names (idle and absolute timeouts applied), touching it. */
  async authenticate(token: string): Promise<WebSession | null> {
    const s = await this.#find(token);
    if (!s || s.stage !== 'active') return null;
    const now = this.#clock.now();
    if (now - s.lastSeenAt > TOUCH_RESOLUTION_MS) {
      return (await this.#repo.update(s.id, { lastSeenAt: now })) ?? null;
    }
    return s;
  }

  /** A login waiting for a step (second factor, location confirmation), by its login token. */
  async findPending(token: string): Promise<WebSession | null> {
    const s = await this.#find(token);
    return s && s.stage !== 'active' ? s : null;
  }

  async findById(id: string): Promise<WebSession | null> {
    const s = await this.#repo.findById(id);
    return this.#live(s, this.#clock.now()) ? s : null;
  }

  /** Moves a pending login on, with a new token; reaching `active` starts the real lifetimes. */
  async advance(
    s: WebSession,
    stage: SessionStage,
    mustEnrolMfa = s.mustEnrolMfa,
  ): Promise<IssuedSession | null> {
    const now = this.#clock.now();
    const token = generateSessionToken();
    const csrf = csrfOf(token);
    const t = timeoutsFor(this.policy, s.kind);
    const active = stage === 'active';
    const updated = await this.#repo.update(s.id, {
      tokenHash: token.hash,
      csrfHash: csrf.hash,
      stage,
      mustEnrolMfa,
      lastSeenAt: now,
      authenticatedAt: now,
      expiresAt: active ? now + t.absoluteMs : now + this.policy.pendingMs,
      idleTimeoutMs: active ? t.idleMs : this.policy.pendingMs,
    });
    return updated ? { session: updated, token: token.token, csrfToken: csrf.token } : null;
  }

  /** A fresh token and CSRF token for the same session (privilege change). */
  async rotate(
    s: WebSession,
    patch: { mustEnrolMfa?: boolean } = {},
  ): Promise<IssuedSession | null> {
    const token = generateSessionToken();
    const csrf = csrfOf(token);
    const updated = await this.#repo.update(s.id, {
      tokenHash: token.hash,
      csrfHash: csrf.hash,
      ...patch,
    });
    return updated ? { session: updated, token: token.token, csrfToken: csrf.token } : null;
  }

  checkCsrf(s: WebSession, presented: string | undefined): boolean {
    if (typeof presented !== 'string' || !isSessionTokenShape(presented)) return false;
    return constantTimeEqual(hashSessionToken(presented), s.csrfHash);
  }

  async markReauthenticated(s: WebSession): Promise<void> {
    await this.#repo.update(s.id, { authenticatedAt: this.#clock.now() });
  }

  /** Whether the password (+ second factor) was checked within the re-authentication window. */
  isFresh(s: WebSession): boolean {
    return this.#clock.now() - s.authenticatedAt <= this.policy.reauthWindowMs;
  }

  /**
   * Called after sessions are revoked, so what hangs off a session (the web
   * phone's SIP credentials) ends with it. Listeners must not throw.
   */
  onEnded(listener: (ended: SessionsEnded) => void): void {
    this.#endListeners.push(listener);
  }

  async revoke(id: string, reason: string): Promise<boolean> {
    const revoked = await this.#repo.revoke(id, this.#clock.now(), reason);
    this.#ended({ sessionId: id });
    return revoked;
  }

  async revokeAllOfUser(userId: string, reason: string, exceptId?: string): Promise<number> {
    const n = await this.#repo.revokeAllOfUser(userId, this.#clock.now(), reason, exceptId);
    this.#ended(exceptId === undefined ? { userId } : { userId, exceptSessionId: exceptId });
    return n;
  }

  #ended(ended: SessionsEnded): void {
    for (const l of this.#endListeners) l(ended);
  }

  list(filter: { userId?: string; tenantId?: string }): Promise<WebSession[]> {
    const now = this.#clock.now();
    return this.#repo
      .listLive(filter, now)
      .then((all) => all.filter((s) => now - s.lastSeenAt < s.idleTimeoutMs));
  }
}
