/**
 * Maps an authenticated external identity to a local account: by (issuer,
 * subject) only. An unknown identity gets an account only when the provider
 * allows just-in-time creation and the e-mail is verified and in an allowed
 * domain; it is never attached to an existing account by matching e-mail
 * (that would let whoever controls the address at the IdP take the account).
 */
import type { Clock } from '@palisade/common';
import type {
  LinkedIdentity,
  LinkedIdentityRepository,
} from './ports/linked-identity-repository.ts';
import type { SsoAccount, SsoAccountPort, SsoProfile } from './ports/sso-account-port.ts';
import type { ProvisioningSettings } from './sso-provider.ts';
import { ssoFailure } from './sso-failure.ts';
import { isPalisadeError } from '@palisade/common';

export interface ExternalIdentity {
  readonly tenantId: string;
  readonly providerId: string;
  readonly issuer: string;
  readonly subject: string;
  readonly email: string | null;
  /** The IdP vouches for the e-mail (OIDC `email_verified`; a directory's own attribute). */
  readonly emailVerified: boolean;
  readonly profile: SsoProfile;
}

export interface Resolved {
  readonly account: SsoAccount;
  readonly identity: LinkedIdentity;
  readonly created: boolean;
}

const MAX_SUBJECT = 255;

export function emailDomain(email: string): string | null {
  const at = email.lastIndexOf('@');
  return at > 0 && at < email.length - 1 ? email.slice(at + 1).toLowerCase() : null;
}

export class SsoIdentityResolver {
  readonly #identities: LinkedIdentityRepository;
  readonly #accounts: SsoAccountPort;
  readonly #clock: Clock;

  constructor(identities: LinkedIdentityRepository, accounts: SsoAccountPort, clock: Clock) {
    this.#identities = identities;
    this.#accounts = accounts;
    this.#clock = clock;
  }

  async resolve(who: ExternalIdentity, provisioning: ProvisioningSettings): Promise<Resolved> {
    if (who.subject.length === 0 || who.subject.length > MAX_SUBJECT)
      throw ssoFailure('token-invalid');
    const linked = await this.#identities.find(who.tenantId, who.issuer, who.subject);
    if (linked) {
      const account = await this.#accounts.findById(linked.userId);
      if (!account || account.tenantId !== who.tenantId) throw ssoFailure('not-linked');
      if (!account.active) throw ssoFailure('account-disabled');
      await this.#identities.touchLogin(linked.id, this.#clock.now(), who.email);
      return { account, identity: linked, created: false };
    }
    if (!provisioning.jitCreate) throw ssoFailure('not-linked');
    if (!who.email || !who.emailVerified) throw ssoFailure('email-unverified');
    const domain = emailDomain(who.email);
    if (!domain || !provisioning.allowedEmailDomains.includes(domain))
      throw ssoFailure('domain-not-allowed');
    const account = await this.#accounts.create(who.tenantId, who.profile);
    if (provisioning.defaultGroupId)
      await this.#accounts.syncGroups(
        account.id,
        [provisioning.defaultGroupId],
        [provisioning.defaultGroupId],
      );
    const identity = await this.#link(who, account.id);
    await this.#identities.touchLogin(identity.id, this.#clock.now(), who.email);
    return { account, identity, created: true };
  }

  /** Links the identity to `userId` (whose own login, or an admin, was checked by the caller). */
  async link(who: ExternalIdentity, userId: string): Promise<LinkedIdentity> {
    const existing = await this.#identities.find(who.tenantId, who.issuer, who.subject);
    if (existing) throw ssoFailure('already-linked');
    const account = await this.#accounts.findById(userId);
    if (!account || account.tenantId !== who.tenantId) throw ssoFailure('not-linked');
    return this.#link(who, userId);
  }

  async #link(who: ExternalIdentity, userId: string): Promise<LinkedIdentity> {
    try {
      return await this.#identities.link({
        tenantId: who.tenantId,
        userId,
        providerId: who.providerId,
        issuer: who.issuer,
        subject: who.subject,
        email: who.email,
      });
    } catch (err) {
      if (isPalisadeError(err, 'conflict')) throw ssoFailure('already-linked', err);
      throw err;
    }
  }
}
