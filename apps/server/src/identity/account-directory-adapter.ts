/**
 * The security core's AccountDirectory over the pbx directory: users, their
 * ACL groups, tenants and the tenant's identity settings. A second factor is
 * mandatory for the super-admin and members of admin groups always, and for
 * everyone or members of listed groups when the tenant says so. A password
 * older than the tenant's policy allows is reported with the access, so the
 * session authenticator checks it at every request.
 */
import type { Clock } from '@palisade/common';
import type { PbxStore, User } from '@palisade/pbx';
import {
  isPasswordExpired,
  PASSWORD_POLICY_PRESETS,
  type Account,
  type AccountAccess,
  type AccountDirectory,
  type TenantIdentitySettings as SecuritySettings,
} from '@palisade/security';
import type { TenantIdentitySettings } from './identity-settings-store.ts';

function toAccount(u: User): Account {
  return {
    id: u.id,
    tenantId: u.tenantId,
    username: u.username,
    displayName: u.displayName,
    extension: u.extension,
    email: u.email,
    mobile: u.mobile,
    active: u.state === 'active',
    isSuperAdmin: u.isSuperAdmin,
    passwordHash: u.passwordHash,
  };
}

export class PbxAccountDirectory implements AccountDirectory {
  readonly #store: PbxStore;
  readonly #settings: TenantIdentitySettings;
  readonly #defaultTenantId: string;
  readonly #clock: Clock;

  constructor(
    store: PbxStore,
    settings: TenantIdentitySettings,
    defaultTenantId: string,
    clock: Clock,
  ) {
    this.#store = store;
    this.#settings = settings;
    this.#defaultTenantId = defaultTenantId;
    this.#clock = clock;
  }

  async tenantIdFor(tenantDomain: string | null): Promise<string | null> {
    if (tenantDomain === null) return this.#defaultTenantId;
    return (await this.#store.tenants.findBySipDomain(tenantDomain.toLowerCase()))?.id ?? null;
  }

  async findForLogin(username: string, tenantDomain: string | null): Promise<Account | null> {
    const tenantId = await this.tenantIdFor(tenantDomain);
    if (!tenantId || username.length > 128) return null;
    const u = await this.#store.users.findByUsername(tenantId, username.toLowerCase());
    return u ? toAccount(u) : null;
  }

  async findById(userId: string): Promise<Account | null> {
    const u = await this.#store.users.findById(userId);
    return u ? toAccount(u) : null;
  }

  async access(userId: string): Promise<AccountAccess> {
    const u = await this.#store.users.findById(userId);
    if (!u)
      return { permissions: new Set(), isAdmin: false, mfaRequired: false, passwordExpired: false };
    const groups = await this.#store.groups.listGroupsOfUser(userId);
    const settings = await this.#settings.get(u.tenantId);
    const isAdmin = u.isSuperAdmin || groups.some((g) => g.isAdmin);
    const inMfaGroup = groups.some((g) => settings.mfaGroupIds.includes(g.id));
    return {
      permissions: new Set(groups.flatMap((g) => g.permissions)),
      isAdmin,
      mfaRequired: isAdmin || settings.mfaForAll || inMfaGroup,
      passwordExpired:
        u.passwordHash !== null &&
        u.passwordChangedAt !== null &&
        isPasswordExpired(
          PASSWORD_POLICY_PRESETS[settings.passwordPreset],
          u.passwordChangedAt,
          this.#clock.now(),
        ),
    };
  }

  async settings(tenantId: string): Promise<SecuritySettings> {
    const tenant = await this.#store.tenants.findById(tenantId);
    const s = await this.#settings.get(tenantId);
    return {
      tenantName: tenant?.name ?? '',
      locationMfa: s.locationMfa,
      trustedOrigins: s.trustedOrigins,
      passwordPreset: s.passwordPreset,
    };
  }

  async setPasswordHash(userId: string, hash: string, changedAt?: number): Promise<void> {
    await this.#store.users.update(userId, {
      passwordHash: hash,
      ...(changedAt !== undefined ? { passwordChangedAt: changedAt } : {}),
    });
  }
}
