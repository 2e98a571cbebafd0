/**
 * WebAuthn ceremonies (W3C Web Authentication Level 3) as the security core
 * needs them; the adapter (apps/server, @simplewebauthn/server) checks
 * signatures, the origin and the RP ID. Options and responses are the JSON
 * forms browsers exchange; the core treats them as opaque.
 */
export interface PasskeyCredential {
  /** base64url credential id. */
  readonly id: string;
  /** base64url COSE public key. */
  readonly publicKey: string;
  readonly counter: number;
}

export interface PasskeyVerifier {
  registrationOptions(input: {
    readonly userId: string;
    readonly userName: string;
    readonly displayName: string;
    readonly challenge: Uint8Array;
    readonly exclude: readonly string[];
  }): Promise<Record<string, unknown>>;
  /** The new credential, or null when the response does not verify (wrong challenge, origin, RP ID, signature). */
  verifyRegistration(
    response: unknown,
    expectedChallenge: string,
  ): Promise<PasskeyCredential | null>;
  authenticationOptions(input: {
    readonly challenge: Uint8Array;
    readonly allow: readonly string[];
  }): Promise<Record<string, unknown>>;
  /** The authenticator's new signature counter, or null when the assertion does not verify. */
  verifyAuthentication(
    response: unknown,
    expectedChallenge: string,
    credential: PasskeyCredential,
  ): Promise<{ newCounter: number } | null>;
}
