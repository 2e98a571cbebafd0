/**
 * Managing a tenant's identity providers: presets applied, settings checked,
 * the secret sealed (and never shown again), every change audited. The
 * redirect URI is not typed by the admin: it is derived from the public URL
 * and the provider id, and shown so it can be copied into the IdP's console.
 */
import { PalisadeError } from '@palisade/common';
import type { AuditTrail } from '../audit/audit-trail.ts';
import type { SecretBox } from '../crypto/secret-box.ts';
import type { SsoProviderRepository } from './ports/sso-provider-repository.ts';
import { recordSso, type SsoRemote } from './sso-audit.ts';
import { oidcPresetDefaults } from './oidc/oidc-presets.ts';
import { assertAttributeName } from './ldap/ldap-filter-escape.ts';
import {
  providerSecretContext,
  type LdapProviderConfig,
  type OidcProviderConfig,
  type SsoProvider,
} from './sso-provider.ts';

export type OidcSettings = Omit<OidcProviderConfig, 'redirectUri'> & {
  /** For the `microsoft` preset: the Directory (tenant) ID. */
  readonly microsoftTenantId?: string;
};

export type ProviderInput =
  | { readonly kind: 'oidc'; readonly config: OidcSettings }
  | { readonly kind: 'ldap'; readonly config: LdapProviderConfig };

export interface ProviderView {
  readonly id: string;
  readonly tenantId: string;
  readonly kind: SsoProvider['kind'];
  readonly name: string;
  readonly enabled: boolean;
  readonly hasSecret: boolean;
  readonly config: SsoProvider['config'];
  readonly createdAt: number;
  readonly updatedAt: number;
}

export function providerView(p: SsoProvider): ProviderView {
  return {
    id: p.id,
    tenantId: p.tenantId,
    kind: p.kind,
    name: p.name,
    enabled: p.enabled,
    hasSecret: p.sealedSecret !== null,
    config: p.config,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  };
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

function httpsOrLoopback(value: string, allowHttpLoopback: boolean, field: string): void {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new PalisadeError('validation_failed', `${field} is not a URL`, { details: { field } });
  }
  const ok =
    u.protocol === 'https:' ||
    (allowHttpLoopback && u.protocol === 'http:' && LOOPBACK.has(u.hostname));
  if (!ok || u.username || u.password || u.hash)
    throw new PalisadeError('validation_failed', `${field} must be an https:// URL`, {
      details: { field },
    });
}

export function redirectUriFor(publicUrl: string, providerId: string): string {
  return `${publicUrl.replace(/\/$/, '')}/api/v1/sso/oidc/${providerId}/callback`;
}

function oidcConfig(input: OidcSettings, redirectUri: string): OidcProviderConfig {
  const { microsoftTenantId, ...rest } = input;
  let issuer = rest.issuer;
  let mfaAcrValues = rest.mfaAcrValues;
  try {
    if (rest.preset !== 'generic') {
      const preset = oidcPresetDefaults(
        rest.preset,
        microsoftTenantId ? { microsoftTenantId } : {},
      );
      issuer = preset.issuer;
      if (mfaAcrValues.length === 0) mfaAcrValues = preset.mfaAcrValues;
    }
  } catch (err) {
    throw new PalisadeError('validation_failed', (err as Error).message, {
      details: { field: 'microsoftTenantId' },
    });
  }
  httpsOrLoopback(issuer, rest.allowHttpLoopback, 'issuer');
  if (!rest.scopes.includes('openid'))
    throw new PalisadeError('validation_failed', 'scopes must include openid', {
      details: { field: 'scopes' },
    });
  return {
    ...rest,
    issuer,
    mfaAcrValues,
    redirectUri,
    allowedEmailDomains: rest.allowedEmailDomains.map((d) => d.toLowerCase()),
  };
}

function ldapConfig(c: LdapProviderConfig): LdapProviderConfig {
  let u: URL;
  try {
    u = new URL(c.url);
  } catch {
    throw new PalisadeError('validation_failed', 'url is not an LDAP URL', {
      details: { field: 'url' },
    });
  }
  if (u.protocol !== 'ldaps:' && !(u.protocol === 'ldap:' && c.startTls))
    throw new PalisadeError('validation_failed', 'use ldaps://, or ldap:// with StartTLS', {
      details: { field: 'url' },
    });
  for (const a of Object.values(c.attributes) as (string | null)[]) {
    if (a === null) continue;
    try {
      assertAttributeName(a);
    } catch {
      throw new PalisadeError('validation_failed', `not an attribute name: ${a.slice(0, 64)}`, {
        details: { field: 'attributes' },
      });
    }
  }
  if (!/^\(.*\)$/s.test(c.userFilter))
    throw new PalisadeError('validation_failed', 'userFilter must be a parenthesised LDAP filter', {
      details: { field: 'userFilter' },
    });
  return c;
}

export interface SsoProviderAdminDeps {
  readonly providers: SsoProviderRepository;
  readonly secretBox: SecretBox;
  readonly audit: AuditTrail;
  /** Base URL of this server, for redirect URIs. */
  readonly publicUrl: string;
}

export class SsoProviderAdmin {
  readonly #d: SsoProviderAdminDeps;

  constructor(deps: SsoProviderAdminDeps) {
    this.#d = deps;
  }

  async list(tenantId: string): Promise<ProviderView[]> {
    return (await this.#d.providers.list(tenantId)).map(providerView);
  }

  async get(tenantId: string, id: string): Promise<SsoProvider> {
    const p = await this.#d.providers.findById(id);
    if (!p || p.tenantId !== tenantId) throw new PalisadeError('not_found', 'no such provider');
    return p;
  }

  #checked(input: ProviderInput, id: string): SsoProvider['config'] {
    return input.kind === 'oidc'
      ? oidcConfig(input.config, redirectUriFor(this.#d.publicUrl, id))
      : ldapConfig(input.config);
  }

  async create(
    tenantId: string,
    input: ProviderInput & {
      readonly name: string;
      readonly enabled: boolean;
      readonly secret: string | null;
    },
    actor: string,
    remote?: SsoRemote,
  ): Promise<ProviderView> {
    // Checked once with a placeholder id so bad input changes nothing.
    this.#checked(input, '00000000-0000-0000-0000-000000000000');
    const created = await this.#d.providers.create({
      tenantId,
      kind: input.kind,
      name: input.name,
      enabled: false,
      config: input.kind === 'oidc' ? { ...input.config, redirectUri: '' } : input.config,
      sealedSecret: null,
    });
    const p = await this.#d.providers.update(created.id, {
      enabled: input.enabled,
      config: this.#checked(input, created.id),
      sealedSecret: input.secret
        ? this.#d.secretBox.seal(input.secret, providerSecretContext(created.id))
        : null,
    });
    await recordSso(this.#d.audit, {
      action: 'sso.provider-create',
      outcome: 'success',
      tenantId,
      actor,
      providerId: p.id,
      remote,
      detail: { kind: p.kind, name: p.name },
    });
    return providerView(p);
  }

  async update(
    tenantId: string,
    id: string,
    patch: {
      readonly name?: string;
      readonly enabled?: boolean;
      readonly secret?: string | null;
      readonly config?: ProviderInput['config'];
    },
    actor: string,
    remote?: SsoRemote,
  ): Promise<ProviderView> {
    const current = await this.get(tenantId, id);
    const config = patch.config
      ? this.#checked({ kind: current.kind, config: patch.config } as ProviderInput, id)
      : undefined;
    const p = await this.#d.providers.update(id, {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
      ...(config ? { config } : {}),
      ...(patch.secret !== undefined
        ? {
            sealedSecret: patch.secret
              ? this.#d.secretBox.seal(patch.secret, providerSecretContext(id))
              : null,
          }
        : {}),
    });
    await recordSso(this.#d.audit, {
      action: 'sso.provider-update',
      outcome: 'success',
      tenantId,
      actor,
      providerId: id,
      remote,
      detail: {
        fields: Object.keys(patch)
          .filter((k) => k !== 'secret')
          .concat(patch.secret !== undefined ? ['secret'] : []),
      },
    });
    return providerView(p);
  }

  async delete(tenantId: string, id: string, actor: string, remote?: SsoRemote): Promise<void> {
    await this.get(tenantId, id);
    await this.#d.providers.delete(id);
    await recordSso(this.#d.audit, {
      action: 'sso.provider-delete',
      outcome: 'success',
      tenantId,
      actor,
      providerId: id,
      remote,
    });
  }

  /** The clear-text secret, for a connection test only. */
  secretOf(p: SsoProvider): string {
    return p.sealedSecret
      ? this.#d.secretBox.openString(p.sealedSecret, providerSecretContext(p.id))
      : '';
  }
}
