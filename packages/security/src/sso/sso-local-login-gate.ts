/**
 * What the password login asks before it checks a password: may this
 * account use its local password at all? Reads the per-user "SSO only" flag
 * and the tenant's break-glass rule; the decision itself is the pure
 * `localLoginDecision`. A refusal must look like a wrong password to the
 * caller (no hint that the account exists or is SSO only).
 */
import type { SsoPolicyRepository } from './ports/sso-policy-repository.ts';
import { localLoginDecision, type LocalLoginDecision } from './sso-local-login-policy.ts';

export class SsoLocalLoginGate {
  readonly #policies: SsoPolicyRepository;

  constructor(policies: SsoPolicyRepository) {
    this.#policies = policies;
  }

  async decide(account: {
    readonly id: string;
    readonly tenantId: string;
    readonly isAdmin: boolean;
  }): Promise<LocalLoginDecision> {
    const ssoOnly = await this.#policies.isSsoOnly(account.id);
    if (!ssoOnly) return 'allowed';
    const tenant = await this.#policies.tenantPolicy(account.tenantId);
    return localLoginDecision({
      ssoOnly,
      isAdmin: account.isAdmin,
      breakGlassLocalAdmin: tenant.breakGlassLocalAdmin,
    });
  }
}
