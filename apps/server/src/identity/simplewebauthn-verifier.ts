/**
 * The PasskeyVerifier port over @simplewebauthn/server. The relying party is
 * the public URL: its host name is the RP ID and its origin the only accepted
 * origin. User verification is preferred, not required (a passkey here is a
 * second factor after the password).
 */
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { PasskeyCredential, PasskeyVerifier } from '@palisade/security';

export class SimpleWebAuthnVerifier implements PasskeyVerifier {
  readonly #origin: () => string;
  readonly #rpName: string;

  constructor(origin: () => string, rpName = 'Palisade') {
    this.#origin = origin;
    this.#rpName = rpName;
  }

  #rpId(): string {
    return new URL(this.#origin()).hostname;
  }

  async registrationOptions(input: {
    userId: string;
    userName: string;
    displayName: string;
    challenge: Uint8Array;
    exclude: readonly string[];
  }): Promise<Record<string, unknown>> {
    const options = await generateRegistrationOptions({
      rpName: this.#rpName,
      rpID: this.#rpId(),
      userName: input.userName,
      userDisplayName: input.displayName,
      userID: new TextEncoder().encode(input.userId),
      challenge: new Uint8Array(input.challenge),
      attestationType: 'none',
      excludeCredentials: input.exclude.map((id) => ({ id })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
      timeout: 120_000,
    });
    return { ...options };
  }

  async verifyRegistration(
    response: unknown,
    expectedChallenge: string,
  ): Promise<PasskeyCredential | null> {
    try {
      const v = await verifyRegistrationResponse({
        response: response as RegistrationResponseJSON,
        expectedChallenge,
        expectedOrigin: this.#origin(),
        expectedRPID: this.#rpId(),
        requireUserVerification: false,
      });
      if (!v.verified) return null;
      const c = v.registrationInfo.credential;
      return {
        id: c.id,
        publicKey: Buffer.from(c.publicKey).toString('base64url'),
        counter: c.counter,
      };
    } catch {
      return null;
    }
  }

  async authenticationOptions(input: {
    challenge: Uint8Array;
    allow: readonly string[];
  }): Promise<Record<string, unknown>> {
    const options = await generateAuthenticationOptions({
      rpID: this.#rpId(),
      challenge: new Uint8Array(input.challenge),
      allowCredentials: input.allow.map((id) => ({ id })),
      userVerification: 'preferred',
      timeout: 120_000,
    });
    return { ...options };
  }

  async verifyAuthentication(
    response: unknown,
    expectedChallenge: string,
    credential: PasskeyCredential,
  ): Promise<{ newCounter: number } | null> {
    try {
      const v = await verifyAuthenticationResponse({
        response: response as AuthenticationResponseJSON,
        expectedChallenge,
        expectedOrigin: this.#origin(),
        expectedRPID: this.#rpId(),
        credential: {
          id: credential.id,
          publicKey: new Uint8Array(Buffer.from(credential.publicKey, 'base64url')),
          counter: credential.counter,
        },
        requireUserVerification: false,
      });
      return v.verified ? { newCounter: v.authenticationInfo.newCounter } : null;
    } catch {
      return null;
    }
  }
}
