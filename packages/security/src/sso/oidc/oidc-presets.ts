/**
 * Presets for the identity providers admins ask for. Each only pre-fills
 * settings; everything stays editable.
 */
import type { IdTokenAlg, OidcPreset } from '../sso-provider.ts';

export interface OidcPresetDefaults {
  readonly issuer: string;
  readonly scopes: readonly string[];
  readonly idTokenAlg: IdTokenAlg;
  /** `acr` values that mean a second factor at this IdP (counted only when trusted). */
  readonly mfaAcrValues: readonly string[];
}

const ENTRA_TENANT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * `microsoftTenantId`: the Directory (tenant) ID from Entra ID. The
 * multi-tenant issuers (`common`, `organizations`) are refused: with them
 * any Microsoft account could sign in.
 */
export function oidcPresetDefaults(
  preset: OidcPreset,
  options: { readonly microsoftTenantId?: string; readonly issuer?: string } = {},
): OidcPresetDefaults {
  switch (preset) {
    case 'google':
      return {
        issuer: 'https://accounts.google.com',
        scopes: ['openid', 'email', 'profile'],
        idTokenAlg: 'RS256',
        mfaAcrValues: [],
      };
    case 'microsoft': {
      const tenant = (options.microsoftTenantId ?? '').toLowerCase();
      if (!ENTRA_TENANT.test(tenant))
        throw new RangeError('Microsoft 365 needs the Directory (tenant) ID, a GUID');
      return {
        issuer: `https://login.microsoftonline.com/${tenant}/v2.0`,
        scopes: ['openid', 'email', 'profile'],
        idTokenAlg: 'RS256',
        // v2.0 ID tokens carry no amr and no standard acr: the tenant lists
        // the values its Conditional Access setup really emits, if any.
        mfaAcrValues: [],
      };
    }
    case 'generic':
      if (!options.issuer) throw new RangeError('a generic provider needs its issuer URL');
      return {
        issuer: options.issuer,
        scopes: ['openid', 'email', 'profile'],
        idTokenAlg: 'RS256',
        mfaAcrValues: [],
      };
  }
}
