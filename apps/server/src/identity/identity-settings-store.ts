/**
 * The per-tenant identity settings, kept in tenant_settings under one key:
 * trusted origins (exact), MFA for everyone or per group, the location check
 * and the password preset. Defaults: nothing extra trusted, MFA for admins
 * only, no location check, `standards`.
 */
import { PalisadeError } from '@palisade/common';
import type { IdentitySettingsView, TenantIdentitySettingsStore } from '@palisade/api';
import type { JsonValue, TenantSettingsRepository } from '@palisade/pbx';

export const IDENTITY_SETTINGS_KEY = 'identity';

export const DEFAULT_IDENTITY_SETTINGS: IdentitySettingsView = {
  trustedOrigins: [],
  locationMfa: false,
  mfaForAll: false,
  mfaGroupIds: [],
  passwordPreset: 'standards',
};

function parse(value: JsonValue | undefined): IdentitySettingsView {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return DEFAULT_IDENTITY_SETTINGS;
  const v = value as Record<string, JsonValue>;
  const strings = (x: JsonValue | undefined): string[] =>
    Array.isArray(x) ? x.filter((e): e is string => typeof e === 'string') : [];
  return {
    trustedOrigins: strings(v['trustedOrigins']),
    locationMfa: v['locationMfa'] === true,
    mfaForAll: v['mfaForAll'] === true,
    mfaGroupIds: strings(v['mfaGroupIds']),
    passwordPreset: v['passwordPreset'] === 'vendor-compat' ? 'vendor-compat' : 'standards',
  };
}

function normaliseOrigin(o: string): string {
  let url: URL;
  try {
    url = new URL(o);
  } catch {
    throw new PalisadeError('validation_failed', `not an origin: ${o.slice(0, 100)}`, {
      details: { field: 'trustedOrigins' },
    });
  }
  if (url.origin === 'null' || url.origin !== o.replace(/\/$/, '').toLowerCase())
    throw new PalisadeError('validation_failed', `give the origin only, like ${url.origin}`, {
      details: { field: 'trustedOrigins' },
    });
  return url.origin;
}

export class TenantIdentitySettings implements TenantIdentitySettingsStore {
  readonly #repo: TenantSettingsRepository;

  constructor(repo: TenantSettingsRepository) {
    this.#repo = repo;
  }

  async get(tenantId: string): Promise<IdentitySettingsView> {
    return parse((await this.#repo.get(tenantId, IDENTITY_SETTINGS_KEY))?.value);
  }

  async set(tenantId: string, patch: Partial<IdentitySettingsView>): Promise<IdentitySettingsView> {
    const current = await this.get(tenantId);
    const next: IdentitySettingsView = {
      ...current,
      ...patch,
      ...(patch.trustedOrigins
        ? { trustedOrigins: [...new Set(patch.trustedOrigins.map(normaliseOrigin))] }
        : {}),
    };
    await this.#repo.set(tenantId, IDENTITY_SETTINGS_KEY, {
      trustedOrigins: [...next.trustedOrigins],
      locationMfa: next.locationMfa,
      mfaForAll: next.mfaForAll,
      mfaGroupIds: [...next.mfaGroupIds],
      passwordPreset: next.passwordPreset,
    });
    return next;
  }
}
