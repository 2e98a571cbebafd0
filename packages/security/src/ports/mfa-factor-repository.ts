/**
 * Second factors of a user. `secret` holds, by kind: the TOTP seed (base32,
 * sealed with the master key), the SHA-256 of a recovery code, or the
 * passkey's public key (base64url).
 */
export type MfaFactorKind = 'totp' | 'passkey' | 'recovery';

export interface MfaFactor {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly kind: MfaFactorKind;
  readonly label: string;
  readonly secret: string;
  /** Passkeys: the credential id (base64url); unique. */
  readonly credentialId: string | null;
  /** Passkeys: the signature counter last seen. */
  readonly counter: number;
  /** TOTP: the last accepted step (RFC 6238 §5.2). */
  readonly lastStep: number | null;
  /** A TOTP factor counts only once a first code proved the app has it. */
  readonly confirmed: boolean;
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
}

export interface NewMfaFactor {
  readonly tenantId: string;
  readonly userId: string;
  readonly kind: MfaFactorKind;
  readonly label: string;
  readonly secret: string;
  readonly credentialId?: string | null;
  readonly counter?: number;
  readonly confirmed: boolean;
}

export interface MfaFactorRepository {
  /** 'conflict' naming `credentialId` for a passkey registered twice. */
  create(input: NewMfaFactor): Promise<MfaFactor>;
  findById(id: string): Promise<MfaFactor | null>;
  findByCredentialId(credentialId: string): Promise<MfaFactor | null>;
  listOfUser(userId: string): Promise<MfaFactor[]>;
  /**
   * Moves the TOTP step forward atomically: true only when `step` is later
   * than the stored one, so one code never passes twice even when raced.
   */
  advanceStep(id: string, step: number, at: number): Promise<boolean>;
  /** Consumes a recovery code atomically: true for the first caller only. */
  consume(id: string, at: number): Promise<boolean>;
  update(
    id: string,
    patch: { confirmed?: boolean; counter?: number; lastUsedAt?: number; label?: string },
  ): Promise<void>;
  delete(id: string): Promise<boolean>;
  deleteOfUser(userId: string, kind: MfaFactorKind): Promise<number>;
}
