/**
 * May this account log in with its local password? (PRODUCT §C6 "SSO only".)
 * Pure; the password login asks before checking the password, and answers
 * a refused account exactly like a wrong password.
 */
export interface LocalLoginInput {
  readonly ssoOnly: boolean;
  readonly isAdmin: boolean;
  /** The tenant keeps a local break-glass path for admins. */
  readonly breakGlassLocalAdmin: boolean;
}

export type LocalLoginDecision = 'allowed' | 'break-glass' | 'sso-only';

export function localLoginDecision(input: LocalLoginInput): LocalLoginDecision {
  if (!input.ssoOnly) return 'allowed';
  if (input.isAdmin && input.breakGlassLocalAdmin) return 'break-glass';
  return 'sso-only';
}
