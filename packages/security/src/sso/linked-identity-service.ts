/** A user's linked identities: list and unlink (audited). */
import { PalisadeError } from '@palisade/common';
import type { AuditTrail } from '../audit/audit-trail.ts';
import type {
  LinkedIdentity,
  LinkedIdentityRepository,
} from './ports/linked-identity-repository.ts';
import { recordSso, type SsoRemote } from './sso-audit.ts';

export class LinkedIdentityService {
  readonly #identities: LinkedIdentityRepository;
  readonly #audit: AuditTrail;

  constructor(identities: LinkedIdentityRepository, audit: AuditTrail) {
    this.#identities = identities;
    this.#audit = audit;
  }

  listOfUser(userId: string): Promise<LinkedIdentity[]> {
    return this.#identities.listOfUser(userId);
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
