/**
 * Passkeys as a second factor: registration by a signed-in user, assertion
 * during login. Challenges are single use and bound to the session or login
 * attempt; the adapter checks origin and RP ID. A signature counter that does
 * not move forward (when either side is non-zero) means a cloned
 * authenticator may be in use: the login is refused and flagged.
 */
import { PalisadeError, type Clock } from '@palisade/common';
import type { MfaFactor, MfaFactorRepository } from '../../ports/mfa-factor-repository.ts';
import type { PasskeyVerifier } from '../../ports/passkey-verifier.ts';
import { factorView, type FactorView } from '../factors/mfa-factor-service.ts';
import { ChallengeStore } from './challenge-store.ts';

export type PasskeyLoginResult = 'ok' | 'invalid' | 'counter-regression';

function challengeOf(response: unknown): string {
  if (typeof response !== 'object' || response === null) return '';
  const r = response as { response?: { clientDataJSON?: unknown } };
  const data = r.response?.clientDataJSON;
  if (typeof data !== 'string' || data.length > 4096) return '';
  try {
    const parsed = JSON.parse(Buffer.from(data, 'base64url').toString('utf8')) as {
      challenge?: unknown;
    };
    return typeof parsed.challenge === 'string' ? parsed.challenge.slice(0, 128) : '';
  } catch {
    return '';
  }
}

function credentialIdOf(response: unknown): string | null {
  const id = (response as { id?: unknown } | null)?.id;
  return typeof id === 'string' && id.length > 0 && id.length <= 1024 ? id : null;
}

export class PasskeyService {
  readonly #verifier: PasskeyVerifier;
  readonly #repo: MfaFactorRepository;
  readonly #clock: Clock;
  readonly #challenges: ChallengeStore;

  constructor(verifier: PasskeyVerifier, repo: MfaFactorRepository, clock: Clock) {
    this.#verifier = verifier;
    this.#repo = repo;
    this.#clock = clock;
    this.#challenges = new ChallengeStore(clock);
  }

  async #passkeys(userId: string): Promise<MfaFactor[]> {
    return (await this.#repo.listOfUser(userId)).filter(
      (f) => f.kind === 'passkey' && f.credentialId !== null,
    );
  }

  async registrationOptions(
    account: { id: string; username: string; displayName: string },
    sessionId: string,
  ): Promise<Record<string, unknown>> {
    const challenge = this.#challenges.issue(sessionId, 'register');
    return this.#verifier.registrationOptions({
      userId: account.id,
      userName: account.username,
      displayName: account.displayName,
      challenge: challenge.bytes,
      exclude: (await this.#passkeys(account.id)).map((f) => f.credentialId ?? ''),
    });
  }

  async register(
    who: { tenantId: string; userId: string },
    sessionId: string,
    response: unknown,
    label: string,
  ): Promise<FactorView> {
    const challenge = challengeOf(response);
    if (!this.#challenges.consume(challenge, sessionId, 'register'))
      throw new PalisadeError('validation_failed', 'unknown, used or expired challenge');
    const credential = await this.#verifier.verifyRegistration(response, challenge);
    if (!credential) throw new PalisadeError('validation_failed', 'the passkey did not verify');
    const factor = await this.#repo.create({
      ...who,
      kind: 'passkey',
      label,
      secret: credential.publicKey,
      credentialId: credential.id,
      counter: credential.counter,
      confirmed: true,
    });
    return factorView(factor);
  }

  async loginOptions(userId: string, attemptId: string): Promise<Record<string, unknown>> {
    const allow = (await this.#passkeys(userId)).map((f) => f.credentialId ?? '');
    if (allow.length === 0) throw new PalisadeError('conflict', 'no passkey registered');
    const challenge = this.#challenges.issue(attemptId, 'login');
    return this.#verifier.authenticationOptions({ challenge: challenge.bytes, allow });
  }

  async verifyLogin(
    userId: string,
    attemptId: string,
    response: unknown,
  ): Promise<PasskeyLoginResult> {
    const challenge = challengeOf(response);
    if (!this.#challenges.consume(challenge, attemptId, 'login')) return 'invalid';
    const id = credentialIdOf(response);
    const factor = id ? await this.#repo.findByCredentialId(id) : null;
    if (!factor || factor.userId !== userId || factor.kind !== 'passkey') return 'invalid';
    // The counter is compared here (not in the adapter) so a regression is told apart from a bad signature.
    const verified = await this.#verifier.verifyAuthentication(response, challenge, {
      id: factor.credentialId ?? '',
      publicKey: factor.secret,
      counter: 0,
    });
    if (!verified) return 'invalid';
    const { newCounter } = verified;
    if ((factor.counter > 0 || newCounter > 0) && newCounter <= factor.counter)
      return 'counter-regression';
    await this.#repo.update(factor.id, { counter: newCounter, lastUsedAt: this.#clock.now() });
    return 'ok';
  }
}
