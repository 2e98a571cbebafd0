/**
 * Short-lived SIP credentials for the browser's softphone (PRODUCT §E2): the
 * web session mints a random username and password pair valid for minutes,
 * bound to one device of the signed-in user. Only the digest HA1 values are
 * kept (in memory: a restart makes browsers mint again); the password leaves
 * the server once, in the answer to the mint request, and never reaches
 * browser storage. No password of the user or the device is involved.
 */
import { randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '@palisade/common';
import { computeHa1 } from '../digest/digest-algorithm.ts';

/** Every minted username starts with this, so lookups for other names skip the map. */
export const WEBPHONE_USERNAME_PREFIX = 'wp-';

export interface WebphoneCredential {
  readonly username: string;
  /** Shown once to the browser; only its HA1 values are kept. */
  readonly password: string;
  readonly expiresAt: number;
}

export interface WebphoneGrant {
  readonly userId: string;
  /** The web session it was minted from: ending that session revokes it. */
  readonly sessionId: string;
  readonly deviceId: string;
  readonly realm: string;
  readonly ha1Md5: string;
  readonly ha1Sha256: string;
  readonly expiresAt: number;
}

export interface WebphoneTokenOptions {
  readonly clock?: Clock;
  /** How long a minted credential works. Default 10 minutes. */
  readonly ttlMs?: number;
  /** Live credentials per user; minting one more drops the oldest. Default 5. */
  readonly maxPerUser?: number;
  /** Live credentials in all; past it, minting is refused until some expire. Default 10 000. */
  readonly maxTotal?: number;
}

export class WebphoneTokenService {
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #maxPerUser: number;
  readonly #maxTotal: number;
  readonly #grants = new Map<string, WebphoneGrant>();

  constructor(options: WebphoneTokenOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#ttlMs = options.ttlMs ?? 10 * 60_000;
    this.#maxPerUser = options.maxPerUser ?? 5;
    this.#maxTotal = options.maxTotal ?? 10_000;
  }

  get ttlMs(): number {
    return this.#ttlMs;
  }

  /** A new credential for `deviceId` of `userId` in `realm` (the tenant's SIP domain), or null when the service is full. */
  mint(input: {
    userId: string;
    sessionId: string;
    deviceId: string;
    realm: string;
  }): WebphoneCredential | null {
    this.#sweep();
    const mine = [...this.#grants].filter(([, g]) => g.userId === input.userId);
    for (const [name] of mine.slice(0, Math.max(0, mine.length - this.#maxPerUser + 1)))
      this.#grants.delete(name);
    if (this.#grants.size >= this.#maxTotal) return null;
    const username = WEBPHONE_USERNAME_PREFIX + randomBytes(12).toString('base64url');
    const password = randomBytes(24).toString('base64url');
    const realm = input.realm.toLowerCase();
    const expiresAt = this.#clock.now() + this.#ttlMs;
    this.#grants.set(username, {
      userId: input.userId,
      sessionId: input.sessionId,
      deviceId: input.deviceId,
      realm,
      ha1Md5: computeHa1('MD5', username, realm, password),
      ha1Sha256: computeHa1('SHA-256', username, realm, password),
      expiresAt,
    });
    return { username, password, expiresAt };
  }

  /** The live grant for a digest username in `realm`, or null. */
  find(username: string, realm: string): WebphoneGrant | null {
    if (!username.startsWith(WEBPHONE_USERNAME_PREFIX)) return null;
    const grant = this.#grants.get(username);
    if (!grant) return null;
    if (grant.expiresAt <= this.#clock.now()) {
      this.#grants.delete(username);
      return null;
    }
    return grant.realm === realm.toLowerCase() ? grant : null;
  }

  /** Drops every credential of a user (disabled, logged out everywhere, password changed), but those of `exceptSessionId`. */
  revokeUser(userId: string, exceptSessionId?: string): number {
    return this.#revoke((g) => g.userId === userId && g.sessionId !== exceptSessionId);
  }

  /** Drops the credentials minted from one web session (logout, session ended). */
  revokeSession(sessionId: string): number {
    return this.#revoke((g) => g.sessionId === sessionId);
  }

  #revoke(matches: (g: WebphoneGrant) => boolean): number {
    let n = 0;
    for (const [name, g] of this.#grants)
      if (matches(g)) {
        this.#grants.delete(name);
        n += 1;
      }
    return n;
  }

  get size(): number {
    this.#sweep();
    return this.#grants.size;
  }

  #sweep(): void {
    const now = this.#clock.now();
    for (const [name, g] of this.#grants) if (g.expiresAt <= now) this.#grants.delete(name);
  }
}
