/**
 * Does an IdP login satisfy "MFA required" (PRODUCT §C5, §C6)? Pure: the
 * login layer asks, then either activates the session or asks Palisade's
 * own second factor.
 *
 * The IdP's word counts only when the tenant trusts that provider for it:
 * anybody can run an IdP that claims `amr: ["mfa"]`.
 */

/** RFC 8176 `amr` values that mean a second factor (or a phishing-resistant one) was used. */
export const MFA_AMR_VALUES: readonly string[] = [
  'mfa',
  'otp',
  'hwk',
  'swk',
  'sc',
  'fpt',
  'face',
  'iris',
  'retina',
  'vbm',
  'pop',
  'sms',
  'tel',
];

export interface SsoMfaTrust {
  /** The tenant trusts this provider's second factor. */
  readonly trustIdpMfa: boolean;
  /** `acr` values that, when trusted, count as a second factor (e.g. Entra ID's `possessionorinherence`). */
  readonly mfaAcrValues: readonly string[];
}

export interface SsoMfaInput {
  /** Whether this account must pass a second factor (admins always). */
  readonly mfaRequired: boolean;
  readonly amr: readonly string[];
  readonly acr: string | null;
  readonly trust: SsoMfaTrust;
}

export type SsoMfaDecision =
  /** No second factor needed. */
  | { readonly result: 'not-required' }
  /** The IdP's second factor counts. */
  | { readonly result: 'satisfied-by-idp'; readonly evidence: string }
  /** Ask Palisade's own second factor now. */
  | { readonly result: 'ask-local-factor' };

export function idpAssertedMfa(input: Pick<SsoMfaInput, 'amr' | 'acr' | 'trust'>): string | null {
  if (!input.trust.trustIdpMfa) return null;
  const amr = input.amr.find((v) => MFA_AMR_VALUES.includes(v));
  if (amr !== undefined) return `amr:${amr}`;
  if (input.acr !== null && input.trust.mfaAcrValues.includes(input.acr)) return `acr:${input.acr}`;
  return null;
}

export function decideSsoMfa(input: SsoMfaInput): SsoMfaDecision {
  if (!input.mfaRequired) return { result: 'not-required' };
  const evidence = idpAssertedMfa(input);
  return evidence ? { result: 'satisfied-by-idp', evidence } : { result: 'ask-local-factor' };
}
