/** A user's linked identities: list, link by an admin, unlink (all audited). */
import { PalisadeError } from '@palisade/common';
import type { AuditTrail } from '../audit/audit-trail.ts';
import type {
  LinkedIdentity,
  LinkedIdentityRepository,
} from './ports/linked-identity-repository.ts';
import type { SsoPolicyRepository } from './ports/sso-policy-repository.ts';
import { recordSso, type SsoRemote } from './sso-audit.ts';
import { ldapIssuer, type SsoProvider } from './sso-provider.ts';

export class LinkedIdentityService {
  readonly #identities: LinkedIdentityRepository;
  readonly #audit: AuditTrail;
  readonly #policies: SsoPolicyRepository;

  constructor(
    identities: LinkedIdentityRepository,
    policies: SsoPolicyRepository,
    audit: AuditTrail,
  ) {
    this.#identities = identities;
    this.#policies = policies;
    this.#audit = audit;
  }

  listOfUser(userId: string): Promise<LinkedIdentity[]> {
    return this.#identities.listOfUser(userId);
  }

  /**
   * An admin links a known identity (the provider's issuer and the person's
   * subject there) to an account of the same tenant. The caller checked the
   * admin's permission and that the user is in `provider`'s tenant.
   */
  async linkByAdmin(input: {
    readonly provider: SsoProvider;
    readonly userId: string;
    readonly subject: string;
    readonly actor: string;
    readonly remote?: SsoRemote;
  }): Promise<LinkedIdentity> {
    const p = input.provider;
    const issuer = p.kind === 'oidc' ? p.config.issuer : ldapIssuer(p.id);
    if (await this.#identities.find(p.tenantId, issuer, input.subject))
      throw new PalisadeError('conflict', 'this identity is already linked to an account', {
        details: { field: 'subject' },
      });
    const identity = await this.#identities.link({
      tenantId: p.tenantId,
      userId: input.userId,
      providerId: p.id,
      issuer,
      subject: input.subject,
      email: null,
    });
    await recordSso(this.#audit, {
      action: 'sso.link',
      outcome: 'success',
      tenantId: p.tenantId,
      actor: input.actor,
      userId: input.userId,
      providerId: p.id,
      remote: input.remote,
      detail: { issuer, by: 'admin' },
    });
    return identity;
  }

  /** `actor` is the user themself or an admin of the same tenant (checked by the caller). */
  async unlink(input: {
    readonly identityId: string;
    readonly userId: string;
    readonly actor: string;
    readonly remote?: SsoRemote;
  }): Promise<void> {
    const identity = await this.#identities.findById(input.identityId);
    if (!identity || identity.userId !== input.userId)
      throw new PalisadeError('not_found', 'no such linked identity');
    // An "SSO only" account without any identity could never sign in again.
    if (
      (await this.#identities.listOfUser(identity.userId)).length <= 1 &&
      (await this.#policies.isSsoOnly(identity.userId))
    )
      throw new PalisadeError('conflict', 'this is the only sign-in of an "SSO only" account');
    await this.#identities.unlink(identity.id);
    await recordSso(this.#audit, {
      action: 'sso.unlink',
      outcome: 'success',
      tenantId: identity.tenantId,
      actor: input.actor,
      userId: identity.userId,
      providerId: identity.providerId,
      remote: input.remote,
      detail: { issuer: identity.issuer },
    });
  }
}
