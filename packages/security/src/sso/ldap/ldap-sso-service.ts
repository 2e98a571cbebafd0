/**
 * LDAP / Active Directory sign-in and user sync for one tenant's providers.
 * Identities are linked under issuer `ldap:<providerId>` with the entry's
 * stable id as subject, so a renamed or moved entry keeps its account.
 */
import { type Clock, isPalisadeError, type Logger, PalisadeError } from '@palisade/common';
import type { AuditTrail } from '../../audit/audit-trail.ts';
import type { SecretBox } from '../../crypto/secret-box.ts';
import type { SessionKind } from '../../ports/web-session-repository.ts';
import type { LinkedIdentityRepository } from '../ports/linked-identity-repository.ts';
import type { SsoAccount, SsoAccountPort } from '../ports/sso-account-port.ts';
import type { SsoProviderRepository } from '../ports/sso-provider-repository.ts';
import type { SsoSyncRun, SsoSyncRunRepository } from '../ports/sso-sync-run-repository.ts';
import type { SsoAuthenticated } from '../sso-authentication.ts';
import { recordSso, type SsoRemote } from '../sso-audit.ts';
import { ssoFailure, ssoFailureReason } from '../sso-failure.ts';
import { decideSsoMfa } from '../sso-mfa-decision.ts';
import {
  ldapIssuer,
  providerSecretContext,
  type LdapProviderConfig,
  type SsoProvider,
} from '../sso-provider.ts';
import { testLdapConnection, type ConnectionReport } from './ldap-connection-test.ts';
import type { LdapPerson } from './ldap-entry.ts';
import type { LoginLimiter } from './ldap-login-limiter.ts';
import { LdapDirectory, type LdapAuthResult } from './ldap-directory.ts';
import { mappedGroups, planLdapSync, type LinkedAccount } from './ldap-sync-plan.ts';
import type { LdapSyncReport } from './ldap-sync-report.ts';

export interface LdapSsoDeps {
  readonly providers: SsoProviderRepository;
  readonly identities: LinkedIdentityRepository;
  readonly accounts: SsoAccountPort;
  readonly syncRuns: SsoSyncRunRepository;
  readonly audit: AuditTrail;
  readonly clock: Clock;
  readonly secretBox: SecretBox;
  readonly logger: Logger;
  /** Password-guessing limits for the sign-in. */
  readonly limiter: LoginLimiter;
}

type LdapProvider = SsoProvider & { kind: 'ldap' };

function profileOf(person: LdapPerson): {
  username: string;
  displayName: string;
  email: string | null;
  phone: string | null;
} {
  return {
    username:
      person.username
        .toLowerCase()
        .replace(/[^a-z0-9._@+-]/g, '')
        .slice(0, 100) || `ldap-${person.uniqueId.slice(0, 40)}`,
    displayName: person.displayName.slice(0, 200) || person.username,
    email: person.email,
    phone: person.phone,
  };
}

export class LdapSsoService {
  readonly #d: LdapSsoDeps;

  constructor(deps: LdapSsoDeps) {
    this.#d = deps;
  }

  async #provider(providerId: string, tenantId?: string): Promise<LdapProvider> {
    const p = await this.#d.providers.findById(providerId);
    if (!p || p.kind !== 'ldap' || (tenantId !== undefined && p.tenantId !== tenantId))
      throw new PalisadeError('not_found', 'no such directory provider');
    return p;
  }

  #password(p: LdapProvider): string {
    return p.sealedSecret
      ? this.#d.secretBox.openString(p.sealedSecret, providerSecretContext(p.id))
      : '';
  }

  #directory(p: LdapProvider): LdapDirectory {
    return new LdapDirectory(p.config, this.#password(p), this.#d.logger);
  }

  /** "Test connection" for the console: each step in plain words. */
  async testConnection(providerId: string, tenantId?: string): Promise<ConnectionReport> {
    const p = await this.#provider(providerId, tenantId);
    return testLdapConnection(p.config, this.#password(p));
  }

  /** Also usable before saving: tests a configuration with a clear-text password. */
  testConfig(config: LdapProviderConfig, bindPassword: string): Promise<ConnectionReport> {
    return testLdapConnection(config, bindPassword);
  }

  /**
   * A password check by bind, throttled per `key` and address: the person,
   * or an SSO failure (bad credentials count against the limiter).
   */
  async #bind(
    key: string,
    remote: SsoRemote | undefined,
    bind: () => Promise<LdapAuthResult>,
  ): Promise<LdapPerson> {
    const address = remote?.remoteAddress ?? '';
    this.#d.limiter.check(key, address);
    let result: LdapAuthResult;
    try {
      result = await bind();
    } catch (err) {
      throw ssoFailure('directory-error', err);
    }
    if (!result.ok && result.reason === 'bad-credentials') this.#d.limiter.failure(key, address);
    if (!result.ok) throw ssoFailure(result.reason);
    this.#d.limiter.success(key, address);
    return result.person;
  }

  /** Password sign-in against the directory, for `area` (default the user app); ends like an OIDC login. */
  async login(input: {
    readonly providerId: string;
    readonly tenantId?: string;
    readonly username: string;
    readonly password: string;
    readonly area?: SessionKind;
    readonly remote?: SsoRemote;
  }): Promise<SsoAuthenticated> {
    const area = input.area ?? 'app';
    let tenantId: string | null = null;
    let userId: string | null = null;
    try {
      const p = await this.#provider(input.providerId, input.tenantId);
      tenantId = p.tenantId;
      if (!p.enabled) throw ssoFailure('provider-disabled');
      const person = await this.#bind(`${p.id}|${input.username.toLowerCase()}`, input.remote, () =>
        this.#directory(p).authenticate(input.username, input.password),
      );
      const issuer = ldapIssuer(p.id);
      const linked = await this.#d.identities.find(p.tenantId, issuer, person.uniqueId);
      let account: SsoAccount | null;
      let created = false;
      if (linked) {
        account = await this.#d.accounts.findById(linked.userId);
        if (!account) throw ssoFailure('not-linked');
        await this.#d.identities.touchLogin(linked.id, this.#d.clock.now(), person.email);
      } else {
        if (!p.config.jitCreate) throw ssoFailure('not-linked');
        account = await this.#createLinked(p, person);
        created = true;
      }
      userId = account.id;
      if (!account.active) throw ssoFailure('account-disabled');
      const amr = ['pwd'];
      const authenticated: SsoAuthenticated = {
        tenantId: p.tenantId,
        userId: account.id,
        providerId: p.id,
        providerKind: 'ldap',
        issuer,
        subject: person.uniqueId,
        amr,
        acr: null,
        // A directory bind is one factor: never enough for "MFA required".
        mfa: decideSsoMfa({
          mfaRequired: await this.#d.accounts.mfaRequired(account.id),
          amr,
          acr: null,
          trust: { trustIdpMfa: false, mfaAcrValues: [] },
        }),
        idpMfaEvidence: null,
        created,
        area,
      };
      await recordSso(this.#d.audit, {
        action: 'sso.login',
        outcome: 'success',
        tenantId,
        userId,
        providerId: p.id,
        remote: input.remote,
        detail: { method: 'ldap', area, mfa: authenticated.mfa.result },
      });
      return authenticated;
    } catch (err) {
      const reason = ssoFailureReason(err);
      const throttled = isPalisadeError(err, 'rate_limited');
      if (reason || throttled)
        await recordSso(this.#d.audit, {
          action: 'sso.login',
          outcome: throttled ? 'denied' : 'failure',
          tenantId,
          userId,
          providerId: input.providerId,
          reason: reason ?? 'throttled',
          remote: input.remote,
          detail: { method: 'ldap', area },
        });
      throw err;
    }
  }

  /**
   * Re-authentication of a signed-in user by their directory password: a
   * bind as the entry of the identity linked to `userId` at this provider
   * (found by its stable id, so only the password is asked). Throttled like
   * the sign-in; refusals are audited as `auth.reauth` failures, the success
   * by the session layer that records the re-authentication.
   */
  async reauthenticate(input: {
    readonly providerId: string;
    readonly tenantId: string;
    readonly userId: string;
    readonly password: string;
    readonly remote?: SsoRemote;
  }): Promise<{
    readonly providerId: string;
    readonly identityId: string;
    readonly verifiedAt: number;
  }> {
    try {
      const p = await this.#provider(input.providerId, input.tenantId);
      if (!p.enabled) throw ssoFailure('provider-disabled');
      const identity = (await this.#d.identities.listOfUser(input.userId)).find(
        (i) => i.providerId === p.id && i.issuer === ldapIssuer(p.id),
      );
      if (!identity)
        throw new PalisadeError(
          'conflict',
          'no directory account of this provider is linked to your account',
        );
      await this.#bind(`${p.id}|reauth:${input.userId}`, input.remote, () =>
        this.#directory(p).authenticateById(identity.subject, input.password),
      );
      return { providerId: p.id, identityId: identity.id, verifiedAt: this.#d.clock.now() };
    } catch (err) {
      const reason = ssoFailureReason(err);
      const throttled = isPalisadeError(err, 'rate_limited');
      if (reason || throttled)
        await recordSso(this.#d.audit, {
          action: 'auth.reauth',
          outcome: throttled ? 'denied' : 'failure',
          tenantId: input.tenantId,
          userId: input.userId,
          providerId: input.providerId,
          reason: reason ?? 'throttled',
          remote: input.remote,
          detail: { method: 'ldap' },
        });
      // Only the password was asked: say so rather than "user name or password".
      if (reason === 'bad-credentials')
        throw new PalisadeError('unauthenticated', 'the directory password is not right', {
          details: { reason },
          cause: err,
        });
      throw err;
    }
  }

  async #createLinked(p: LdapProvider, person: LdapPerson): Promise<SsoAccount> {
    const account = await this.#d.accounts.create(p.tenantId, profileOf(person));
    await this.#d.identities.link({
      tenantId: p.tenantId,
      userId: account.id,
      providerId: p.id,
      issuer: ldapIssuer(p.id),
      subject: person.uniqueId,
      email: person.email,
    });
    const groups = mappedGroups(person, {
      importNew: true,
      groupMappings: p.config.groupMappings,
      defaultGroupId: p.config.defaultGroupId,
    });
    await this.#d.accounts.syncGroups(account.id, groups.wanted, groups.managed);
    await recordSso(this.#d.audit, {
      action: 'sso.account-create',
      outcome: 'success',
      tenantId: p.tenantId,
      actor: 'system',
      userId: account.id,
      providerId: p.id,
    });
    return account;
  }

  async #linkedAccounts(p: LdapProvider): Promise<LinkedAccount[]> {
    const out: LinkedAccount[] = [];
    for (const identity of await this.#d.identities.listOfProvider(p.id)) {
      const account = await this.#d.accounts.findById(identity.userId);
      if (account)
        out.push({ identity, account, groupIds: await this.#d.accounts.groupIds(account.id) });
    }
    return out;
  }

  /**
   * Syncs the directory into the tenant: creates (when import is on),
   * updates, disables; never deletes. A dry run computes the same report and
   * changes nothing. Every run is recorded and audited.
   */
  async sync(input: {
    readonly providerId: string;
    readonly tenantId?: string;
    readonly dryRun: boolean;
    readonly actor: string;
  }): Promise<SsoSyncRun> {
    const p = await this.#provider(input.providerId, input.tenantId);
    const startedAt = this.#d.clock.now();
    let report: LdapSyncReport;
    try {
      // A dry run changes nothing: it may preview a provider before it is enabled.
      if (!p.enabled && !input.dryRun)
        throw new PalisadeError('forbidden', 'the provider is disabled: enable it to sync');
      const people = await this.#directory(p).listPeople();
      const plan = planLdapSync(people, await this.#linkedAccounts(p), {
        importNew: p.config.jitCreate,
        groupMappings: p.config.groupMappings,
        defaultGroupId: p.config.defaultGroupId,
      });
      const skipped = [...plan.skipped];
      const created: string[] = [];
      if (!input.dryRun) {
        for (const c of plan.create) {
          try {
            await this.#createLinked(p, c.person);
            created.push(c.person.username);
          } catch (err) {
            if (!(err instanceof PalisadeError)) throw err;
            skipped.push({ username: c.person.username, reason: err.message });
          }
        }
        for (const u of plan.update) {
          const pr = profileOf(u.person);
          await this.#d.accounts.updateProfile(u.account.id, {
            displayName: pr.displayName,
            email: pr.email,
            phone: pr.phone,
          });
          const groups = mappedGroups(u.person, {
            importNew: true,
            groupMappings: p.config.groupMappings,
            defaultGroupId: p.config.defaultGroupId,
          });
          await this.#d.accounts.syncGroups(u.account.id, groups.wanted, groups.managed);
        }
        for (const d of plan.disable) await this.#d.accounts.setActive(d.account.id, false);
      } else created.push(...plan.create.map((c) => c.person.username));
      report = {
        dryRun: input.dryRun,
        seen: people.length,
        created,
        updated: plan.update.map((u) => ({ username: u.account.username, changes: u.changes })),
        disabled: plan.disable.map((d) => ({ username: d.account.username, reason: d.reason })),
        unchanged: plan.unchanged,
        skipped,
        error: null,
      };
    } catch (err) {
      const message =
        err instanceof PalisadeError ? err.message : 'the directory could not be read';
      this.#d.logger.warn('LDAP sync failed', { providerId: p.id, err: String(err) });
      report = {
        dryRun: input.dryRun,
        seen: 0,
        created: [],
        updated: [],
        disabled: [],
        unchanged: 0,
        skipped: [],
        error: message,
      };
    }
    const run = await this.#d.syncRuns.record({
      tenantId: p.tenantId,
      providerId: p.id,
      dryRun: input.dryRun,
      startedAt,
      finishedAt: this.#d.clock.now(),
      outcome: report.error ? 'failure' : 'success',
      report,
    });
    await recordSso(this.#d.audit, {
      action: 'sso.sync',
      outcome: run.outcome,
      tenantId: p.tenantId,
      actor: input.actor,
      providerId: p.id,
      ...(report.error
        ? { reason: ssoFailureReason(ssoFailure('directory-error')) ?? 'directory-error' }
        : {}),
      detail: {
        dryRun: input.dryRun,
        seen: report.seen,
        created: report.created.length,
        updated: report.updated.length,
        disabled: report.disabled.length,
        skipped: report.skipped.length,
      },
    });
    return run;
  }
}
