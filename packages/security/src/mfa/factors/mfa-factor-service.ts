/**
 * TOTP factors and recovery codes of a user. A TOTP secret counts only once
 * the user proved the app holds it (first code); each accepted step is stored
 * and moved forward atomically, so a code never passes twice (RFC 6238 §5.2).
 * Recovery codes are 10 single-use codes, stored as SHA-256 hashes (each has
 * ~80 random bits, so a fast hash is enough).
 *
 * A TOTP seed must be read back to check codes, so it cannot be hashed: it
 * is stored sealed (AES-256-GCM under the master key, bound to its user), so
 * a database dump alone does not let anyone mint codes.
 */
import { hashToken } from '../../crypto/token-hash.ts';
import { PalisadeError, type Clock } from '@palisade/common';
import { randomString } from '../../crypto/random-string.ts';
import type { SecretBox } from '../../crypto/secret-box.ts';
import { constantTimeEqual } from '../../crypto/constant-time-equal.ts';
import type { MfaFactor, MfaFactorRepository } from '../../ports/mfa-factor-repository.ts';
import { decodeBase32 } from '../totp/base32.ts';
import { generateTotpSecret, totpUri, verifyTotp } from '../totp/totp.ts';

export const RECOVERY_CODE_COUNT = 10;
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const normaliseRecovery = (code: string): string => code.toLowerCase().replace(/[^a-z0-9]/g, '');

const seedContext = (userId: string): string => `totp-seed:${userId}`;

export type FactorView = Omit<MfaFactor, 'secret'>;
export function factorView(f: MfaFactor): FactorView {
  const { secret: _s, ...view } = f;
  return view;
}

export class MfaFactorService {
  readonly #repo: MfaFactorRepository;
  readonly #clock: Clock;
  readonly #seeds: SecretBox;

  /** `seeds` seals TOTP seeds at rest. */
  constructor(repo: MfaFactorRepository, clock: Clock, seeds: SecretBox) {
    this.#repo = repo;
    this.#clock = clock;
    this.#seeds = seeds;
  }

  async list(userId: string): Promise<MfaFactor[]> {
    return this.#repo.listOfUser(userId);
  }

  /** Confirmed TOTP or passkey: a factor that makes MFA possible on its own. */
  async hasStrongFactor(userId: string): Promise<boolean> {
    return (await this.#repo.listOfUser(userId)).some(
      (f) => f.confirmed && (f.kind === 'totp' || f.kind === 'passkey'),
    );
  }

  /** Starts TOTP enrolment: the secret and its otpauth URI, shown once; unconfirmed until `confirmTotp`. */
  async beginTotp(
    who: { tenantId: string; userId: string },
    issuer: string,
    account: string,
    label: string,
  ): Promise<{ factor: FactorView; secret: string; uri: string }> {
    const pending = (await this.#repo.listOfUser(who.userId)).filter(
      (f) => f.kind === 'totp' && !f.confirmed,
    );
    for (const f of pending) await this.#repo.delete(f.id);
    const secret = generateTotpSecret();
    const factor = await this.#repo.create({
      ...who,
      kind: 'totp',
      label,
      secret: this.#seeds.seal(secret.base32, seedContext(who.userId)),
      confirmed: false,
    });
    return {
      factor: factorView(factor),
      secret: secret.base32,
      uri: totpUri({ issuer, account, secret: secret.bytes }),
    };
  }

  async confirmTotp(userId: string, factorId: string, code: string): Promise<FactorView> {
    const f = await this.#repo.findById(factorId);
    if (!f || f.userId !== userId || f.kind !== 'totp')
      throw new PalisadeError('not_found', 'factor not found');
    if (f.confirmed) throw new PalisadeError('conflict', 'this factor is confirmed already');
    if (!(await this.#checkTotp(f, code)))
      throw new PalisadeError('validation_failed', 'the code is not right', {
        details: { field: 'code' },
      });
    await this.#repo.update(f.id, { confirmed: true });
    return factorView({ ...f, confirmed: true });
  }

  /** 'ok', 'replay' (a code already used) or 'invalid', over the user's confirmed TOTP factors. */
  async verifyTotp(userId: string, code: string): Promise<'ok' | 'replay' | 'invalid'> {
    let replay = false;
    for (const f of await this.#repo.listOfUser(userId)) {
      if (f.kind !== 'totp' || !f.confirmed) continue;
      const r = await this.#checkTotpDetailed(f, code);
      if (r === 'ok') return 'ok';
      if (r === 'replay') replay = true;
    }
    return replay ? 'replay' : 'invalid';
  }

  async #checkTotp(f: MfaFactor, code: string): Promise<boolean> {
    return (await this.#checkTotpDetailed(f, code)) === 'ok';
  }

  async #checkTotpDetailed(f: MfaFactor, code: string): Promise<'ok' | 'replay' | 'invalid'> {
    const secret = this.#seedOf(f);
    if (!secret) return 'invalid';
    const now = this.#clock.now();
    const r = verifyTotp({ secret, code, nowMs: now, lastAcceptedStep: f.lastStep });
    if (!r.ok) return r.reason === 'replay' ? 'replay' : 'invalid';
    // Two requests with the same code: only one moves the step forward.
    return (await this.#repo.advanceStep(f.id, r.step, now)) ? 'ok' : 'replay';
  }

  /** The factor's TOTP seed; null when it is unreadable (tampered, moved to another user, bad key). */
  #seedOf(f: MfaFactor): Uint8Array | null {
    try {
      return decodeBase32(this.#seeds.open(f.secret, seedContext(f.userId)).toString('utf8'));
    } catch {
      return null;
    }
  }

  /** Ten new recovery codes (shown once); earlier codes stop working. */
  async newRecoveryCodes(who: { tenantId: string; userId: string }): Promise<string[]> {
    await this.#repo.deleteOfUser(who.userId, 'recovery');
    const codes: string[] = [];
    for (let i = 0; i < RECOVERY_CODE_COUNT; i++) {
      const raw = randomString(16, RECOVERY_ALPHABET);
      codes.push(`${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8, 12)}-${raw.slice(12)}`);
      await this.#repo.create({
        ...who,
        kind: 'recovery',
        label: `recovery code ${i + 1}`,
        secret: hashToken(raw),
        confirmed: true,
      });
    }
    return codes;
  }

  /** Uses a recovery code: true once per code. */
  async useRecoveryCode(userId: string, code: string): Promise<boolean> {
    if (typeof code !== 'string' || code.length > 64) return false;
    const hash = hashToken(normaliseRecovery(code));
    let match: MfaFactor | null = null;
    for (const f of await this.#repo.listOfUser(userId)) {
      if (f.kind === 'recovery' && f.lastUsedAt === null && constantTimeEqual(f.secret, hash))
        match = f;
    }
    return match !== null && this.#repo.consume(match.id, this.#clock.now());
  }

  async remove(userId: string, factorId: string): Promise<FactorView> {
    const f = await this.#repo.findById(factorId);
    if (!f || f.userId !== userId) throw new PalisadeError('not_found', 'factor not found');
    await this.#repo.delete(f.id);
    return factorView(f);
  }
}
