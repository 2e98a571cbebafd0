/**
 * "Test connection" for an OpenID provider, step by step, in plain words:
 * discovery (OpenID Connect Discovery 1.0 §4), the endpoints and algorithms
 * the code flow needs, and the key set (`jwks_uri`, RFC 7517) that signs ID
 * tokens. Each failure names the step and what the admin can do about it.
 */
import type { IdTokenAlg } from '../sso-provider.ts';

export type OidcCheckStep = 'discovery' | 'endpoints' | 'algorithm' | 'pkce' | 'keys';

export interface OidcCheck {
  readonly step: OidcCheckStep;
  readonly ok: boolean;
  readonly message: string;
}

/** The part of the discovery document the checks read. */
export interface DiscoveredMetadata {
  readonly issuer: string;
  readonly authorization_endpoint?: string;
  readonly token_endpoint?: string;
  readonly jwks_uri?: string;
  readonly id_token_signing_alg_values_supported?: readonly string[];
  readonly code_challenge_methods_supported?: readonly string[];
}

const KEY_TYPE: Readonly<Record<IdTokenAlg, string>> = {
  RS256: 'RSA',
  PS256: 'RSA',
  ES256: 'EC',
  EdDSA: 'OKP',
};

/** Plain words for a discovery that failed, from the error's codes along its cause chain. */
export function discoveryFailureMessage(cause: string, issuerMismatch: boolean): string {
  if (issuerMismatch)
    return 'the provider says it is a different issuer: check the issuer URL (for Microsoft 365, the tenant ID)';
  if (/ENOTFOUND|EAI_AGAIN/.test(cause)) return 'the issuer host name could not be resolved (DNS)';
  if (/ECONNREFUSED/.test(cause))
    return 'the issuer refused the connection: nothing listens at that address and port';
  if (/ETIMEDOUT|UND_ERR_CONNECT_TIMEOUT|TimeoutError|aborted/i.test(cause))
    return 'the issuer did not answer in time';
  if (/certificate|CERT|self.signed/i.test(cause))
    return 'the issuer TLS certificate is not trusted';
  return 'the issuer did not answer with an OpenID configuration at /.well-known/openid-configuration: check the issuer URL';
}

/** Endpoints, the ID token algorithm and PKCE, from the discovery document. */
export function metadataChecks(meta: DiscoveredMetadata, alg: IdTokenAlg): OidcCheck[] {
  const missing = (['authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const).filter(
    (k) => typeof meta[k] !== 'string' || meta[k] === '',
  );
  const algs = meta.id_token_signing_alg_values_supported ?? [];
  const s256 = meta.code_challenge_methods_supported;
  return [
    {
      step: 'endpoints',
      ok: missing.length === 0,
      message:
        missing.length === 0
          ? 'the authorization, token and key set endpoints are published'
          : `the configuration lacks ${missing.join(', ')}`,
    },
    {
      step: 'algorithm',
      ok: algs.includes(alg),
      message: algs.includes(alg)
        ? `ID tokens can be signed with ${alg}`
        : `the provider does not sign ID tokens with ${alg} (it offers ${algs.join(', ') || 'none'}): choose one of those`,
    },
    {
      step: 'pkce',
      ok: s256?.includes('S256') !== false,
      message:
        s256?.includes('S256') === false
          ? 'the provider does not support PKCE S256'
          : 'PKCE S256 is supported',
    },
  ];
}

/** The key set's JSON: at least one signing key of the type `alg` needs. */
export function keySetCheck(body: unknown, alg: IdTokenAlg): OidcCheck {
  const keys =
    typeof body === 'object' && body !== null && Array.isArray((body as { keys?: unknown }).keys)
      ? ((body as { keys: unknown[] }).keys.filter(
          (k) => typeof k === 'object' && k !== null,
        ) as Record<string, unknown>[])
      : null;
  if (!keys) return { step: 'keys', ok: false, message: 'the key set (jwks_uri) is not a JWK set' };
  const usable = keys.filter(
    (k) =>
      k['kty'] === KEY_TYPE[alg] &&
      k['use'] !== 'enc' &&
      (k['alg'] === undefined || k['alg'] === alg),
  );
  return usable.length > 0
    ? {
        step: 'keys',
        ok: true,
        message: `the key set holds ${usable.length} ${alg} signing key${usable.length === 1 ? '' : 's'}`,
      }
    : {
        step: 'keys',
        ok: false,
        message: `the key set holds no key that can check ${alg} signatures (${keys.length} key${keys.length === 1 ? '' : 's'} of other kinds)`,
      };
}

const MAX_JWKS_BYTES = 512 * 1024;

/** Fetches the key set and checks it; a failure says why in plain words. */
export async function fetchKeySetCheck(
  jwksUri: string,
  alg: IdTokenAlg,
  /** Plain http:// allowed (a loopback IdP with allowHttpLoopback). */
  allowHttp: boolean,
  timeoutMs: number,
): Promise<OidcCheck> {
  let url: URL;
  try {
    url = new URL(jwksUri);
  } catch {
    return { step: 'keys', ok: false, message: 'the key set address (jwks_uri) is not a URL' };
  }
  if (url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:'))
    return { step: 'keys', ok: false, message: 'the key set address (jwks_uri) is not https://' };
  let res: Response;
  try {
    res = await fetch(url, {
      headers: { accept: 'application/jwk-set+json, application/json' },
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch {
    return { step: 'keys', ok: false, message: 'the key set (jwks_uri) could not be fetched' };
  }
  if (!res.ok) {
    await res.body?.cancel();
    return {
      step: 'keys',
      ok: false,
      message: `the key set (jwks_uri) answered HTTP ${res.status}`,
    };
  }
  const text = await res.text();
  if (text.length > MAX_JWKS_BYTES)
    return { step: 'keys', ok: false, message: 'the key set (jwks_uri) is too large' };
  try {
    return keySetCheck(JSON.parse(text) as unknown, alg);
  } catch {
    return { step: 'keys', ok: false, message: 'the key set (jwks_uri) is not valid JSON' };
  }
}
