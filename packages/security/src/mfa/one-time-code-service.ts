/**
 * Single-use codes and links. Codes (e-mail, SMS) are 6 digits, live 10
 * minutes, are bound to one login attempt, allow 5 wrong guesses, and are
 * rate-limited per account and per tenant. Links carry 256 random bits.
 * Only hashes are stored; the code's hash includes the attempt it is bound to.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { hashToken } from '../crypto/token-hash.ts';
import { PalisadeError, type Clock } from '@palisade/common';
import { constantTimeEqual } from '../crypto/constant-time-equal.ts';
import type {
  OneTimeCode,
  OneTimeCodePurpose,
  OneTimeCodeRepository,
} from '../ports/one-time-code-repository.ts';

export interface CodeLimits {
  readonly lifetimeMs: number;
  readonly maxAttempts: number;
  /** Codes one account may be sent per window. */
  readonly perAccount: number;
  /** Codes one tenant may send per window (also bounds SMS cost). */
  readonly perTenant: number;
  readonly windowMs: number;
}

export const DEFAULT_CODE_LIMITS: CodeLimits = {
  lifetimeMs: 10 * 60_000,
  maxAttempts: 5,
  perAccount: 5,
  perTenant: 200,
  windowMs: 60 * 60_000,
};

const codeHash = (boundTo: string, code: string): string => hashToken(`${boundTo}:${code}`);

export class OneTimeCodeService {
  readonly #repo: OneTimeCodeRepository;
  readonly #clock: Clock;
  readonly limits: CodeLimits;

  constructor(repo: OneTimeCodeRepository, clock: Clock, limits: CodeLimits = DEFAULT_CODE_LIMITS) {
    this.#repo = repo;
    this.#clock = clock;
    this.limits = limits;
  }

  /** A fresh 6-digit code bound to `boundTo`; rate_limited past the account or tenant limit. */
  async issueCode(
    purpose: 'email-code' | 'sms-code',
    who: { tenantId: string; userId: string },
    boundTo: string,
  ): Promise<string> {
    const now = this.#clock.now();
    const since = now - this.limits.windowMs;
    const [mine, tenant] = await Promise.all([
      this.#repo.countSince({ userId: who.userId }, purpose, since),
      this.#repo.countSince({ tenantId: who.tenantId }, purpose, since),
    ]);
    if (mine >= this.limits.perAccount || tenant >= this.limits.perTenant)
      throw new PalisadeError('rate_limited', 'too many codes sent; try again later');
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await this.#repo.create({
      purpose,
      ...who,
      boundTo,
      codeHash: codeHash(boundTo, code),
      expiresAt: now + this.limits.lifetimeMs,
    });
    return code;
  }

  /** True once for the right code of this attempt; wrong guesses are counted and end the code. */
  async verifyCode(
    purpose: 'email-code' | 'sms-code',
    boundTo: string,
    code: string,
  ): Promise<boolean> {
    const now = this.#clock.now();
    const stored = await this.#repo.findActiveBound(purpose, boundTo, now);
    if (!stored || !/^\d{6}$/.test(code)) return false;
    if (!constantTimeEqual(codeHash(boundTo, code), stored.codeHash)) {
      const n = await this.#repo.countAttempt(stored.id);
      if (n >= this.limits.maxAttempts) await this.#repo.consume(stored.id, now);
      return false;
    }
    return this.#repo.consume(stored.id, now);
  }

  /** A single-use link token (256 bits). */
  async issueLink(
    purpose: 'unlock' | 'location' | 'password-reset',
    who: { tenantId: string; userId: string },
    lifetimeMs: number,
    boundTo: string | null = null,
  ): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.#repo.create({
      purpose,
      ...who,
      boundTo,
      codeHash: hashToken(token),
      expiresAt: this.#clock.now() + lifetimeMs,
    });
    return token;
  }

  /** Consumes a link token: the code row for the first caller, null for anyone else. */
  async redeemLink(
    purpose: 'unlock' | 'location' | 'password-reset',
    token: string,
  ): Promise<OneTimeCode | null> {
    if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
    const now = this.#clock.now();
    const stored = await this.#repo.findActiveByHash(purpose, hashToken(token), now);
    if (!stored) return null;
    return (await this.#repo.consume(stored.id, now)) ? stored : null;
  }

  /** Whether a link bound to `boundTo` was redeemed (the location check of a waiting login). */
  async pending(purpose: OneTimeCodePurpose, boundTo: string): Promise<boolean> {
    return (await this.#repo.findActiveBound(purpose, boundTo, this.#clock.now())) !== null;
  }
}
