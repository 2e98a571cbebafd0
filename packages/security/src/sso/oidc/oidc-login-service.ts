/**
 * OpenID Connect login (OpenID Connect Core 1.0 §3.1, the authorization code
 * flow) with openid-client doing the protocol work:
 *
 *   start ──► IdP (PKCE S256, state, nonce) ──► callback ──► token endpoint
 *     │ sealed pending cookie (browser binding)     │ checks: iss param (RFC 9207),
 *     └─────────────────────────────────────────────┘ state, code_verifier, ID token
 *                                                    signature (JWKS), alg, iss, aud,
 *                                                    exp, nonce
 *
 * then the identity is resolved to a local account by (issuer, subject).
 * The callback URL handed to the client is rebuilt from the configured
 * redirect URI, so the redirect_uri sent to the token endpoint is exact.
 *
 * The same flow re-authenticates a signed-in user (intent `reauth`,
 * oidc-reauth.ts): `prompt=login` and `max_age=0` at the start, a fresh
 * `auth_time` and an identity linked to that session's user at the callback,
 * which answers a sealed proof for the session instead of a login.
 */
import { type Clock, isPalisadeError, PalisadeError } from '@palisade/common';
import * as oidc from 'openid-client';
import type { AuditTrail } from '../../audit/audit-trail.ts';
import type { SecretBox } from '../../crypto/secret-box.ts';
import type { SessionKind } from '../../ports/web-session-repository.ts';
import type { LinkedIdentityRepository } from '../ports/linked-identity-repository.ts';
import type { SsoAccountPort } from '../ports/sso-account-port.ts';
import type { SsoProviderRepository } from '../ports/sso-provider-repository.ts';
import type { SsoAuthenticated } from '../sso-authentication.ts';
import { recordSso, type SsoRemote } from '../sso-audit.ts';
import { ssoFailure, ssoFailureReason } from '../sso-failure.ts';
import type { ExternalIdentity, SsoIdentityResolver } from '../sso-identity-resolver.ts';
import { decideSsoMfa, idpAssertedMfa } from '../sso-mfa-decision.ts';
import {
  providerSecretContext,
  type OidcProviderConfig,
  type SsoProvider,
} from '../sso-provider.ts';
import { oidcErrorCategory } from './oidc-error-category.ts';
import {
  discoveryFailureMessage,
  fetchKeySetCheck,
  metadataChecks,
  type OidcCheck,
} from './oidc-provider-check.ts';
import {
  authTimeVerdict,
  openReauthProof,
  REAUTH_MAX_AGE_MS,
  sealReauthProof,
  type SsoReauthProof,
} from './oidc-reauth.ts';
import {
  openPendingLogin,
  PENDING_LOGIN_TTL_MS,
  sealPendingLogin,
  stateTag,
  taggedState,
  tagOf,
  type PendingOidcLogin,
} from './pending-oidc-login.ts';

export interface OidcLoginDeps {
  readonly providers: SsoProviderRepository;
  readonly resolver: SsoIdentityResolver;
  /** Who an identity is linked to, for re-authentication. */
  readonly identities: LinkedIdentityRepository;
  readonly accounts: SsoAccountPort;
  readonly audit: AuditTrail;
  readonly clock: Clock;
  /** Seals pending-login cookies. */
  readonly pendingBox: SecretBox;
  /** Opens provider secrets (client secrets). */
  readonly secretBox: SecretBox;
  /** Seconds per request to the IdP. */
  readonly timeoutSeconds?: number;
}

export interface OidcStart {
  readonly authorizationUrl: string;
  /** Value of the pending-login cookie (HttpOnly, Secure, SameSite=Lax, path of the callback). */
  readonly pendingCookie: string;
  readonly maxAgeSeconds: number;
}

export type OidcCallbackResult =
  | { readonly kind: 'login'; readonly authenticated: SsoAuthenticated }
  | { readonly kind: 'linked'; readonly userId: string; readonly identityId: string }
  | {
      readonly kind: 'reauth';
      /** The sealed proof for the session that asked (the re-authentication cookie). */
      readonly proof: string;
      readonly maxAgeSeconds: number;
    };

/** Where a callback's browser goes back to: what the pending cookie was started for. */
export interface PendingLanding {
  readonly intent: PendingOidcLogin['intent'];
  readonly area: SessionKind;
}

const DISCOVERY_TTL_MS = 10 * 60 * 1000;
const MAX_QUERY = 8192;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

interface CachedConfig {
  readonly updatedAt: number;
  readonly fetchedAt: number;
  readonly config: oidc.Configuration;
}

/** Codes and messages along an error's cause chain (fetch hides the socket error two levels down). */
function causeText(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let i = 0; i < 5 && typeof e === 'object' && e !== null; i++) {
    const o = e as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof o.code === 'string') parts.push(o.code);
    if (typeof o.message === 'string') parts.push(o.message);
    e = o.cause;
  }
  return parts.join(' ');
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

function usernameFrom(claims: oidc.IDToken, subject: string): string {
  const raw = [claims['preferred_username'], claims['email']].find((v) => typeof v === 'string');
  const cleaned = (typeof raw === 'string' ? raw : `sso-${subject}`)
    .toLowerCase()
    .replace(/[^a-z0-9._@+-]/g, '')
    .slice(0, 100);
  return cleaned.length > 0 ? cleaned : `sso-${subject.slice(0, 40)}`;
}

function stringClaim(claims: oidc.IDToken, name: string, max = 254): string | null {
  const v = claims[name];
  return typeof v === 'string' && v.length > 0 && v.length <= max ? v : null;
}

/** The authentication methods (RFC 8176 `amr`) and context class (`acr`) the IdP reported. */
function methodsOf(claims: oidc.IDToken): { amr: string[]; acr: string | null } {
  return {
    amr: Array.isArray(claims.amr) ? claims.amr.filter((v) => typeof v === 'string') : [],
    acr: typeof claims.acr === 'string' ? claims.acr : null,
  };
}

export class OidcLoginService {
  readonly #d: OidcLoginDeps;
  readonly #configs = new Map<string, CachedConfig>();

  constructor(deps: OidcLoginDeps) {
    this.#d = deps;
  }

  async #provider(providerId: string): Promise<SsoProvider & { kind: 'oidc' }> {
    const p = await this.#d.providers.findById(providerId);
    if (!p || p.kind !== 'oidc') throw new PalisadeError('not_found', 'no such sign-in provider');
    if (!p.enabled) throw ssoFailure('provider-disabled');
    return p;
  }

  async #configuration(p: SsoProvider & { kind: 'oidc' }): Promise<oidc.Configuration> {
    const now = this.#d.clock.now();
    const cached = this.#configs.get(p.id);
    if (cached && cached.updatedAt === p.updatedAt && now - cached.fetchedAt < DISCOVERY_TTL_MS)
      return cached.config;
    const c = p.config;
    const issuer = new URL(c.issuer);
    const insecure = issuer.protocol === 'http:';
    if (insecure && !(c.allowHttpLoopback && LOOPBACK.has(issuer.hostname)))
      throw new PalisadeError('config_invalid', 'the issuer must be an https:// URL');
    const secret = p.sealedSecret
      ? this.#d.secretBox.openString(p.sealedSecret, providerSecretContext(p.id))
      : null;
    let config: oidc.Configuration;
    try {
      config = await oidc.discovery(
        issuer,
        c.clientId,
        {
          redirect_uris: [c.redirectUri],
          response_types: ['code'],
          id_token_signed_response_alg: c.idTokenAlg,
        },
        secret ? oidc.ClientSecretBasic(secret) : oidc.None(),
        {
          timeout: this.#d.timeoutSeconds ?? 10,
          ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
        },
      );
    } catch (err) {
      const reason = oidcErrorCategory(err);
      throw ssoFailure(reason === 'issuer-mismatch' ? reason : 'provider-unreachable', err);
    }
    // Verify ID token signatures against the IdP's JWKS even though the token
    // came over TLS from the token endpoint (Core §3.1.3.7 makes it optional).
    oidc.enableNonRepudiationChecks(config);
    this.#configs.set(p.id, { updatedAt: p.updatedAt, fetchedAt: now, config });
    return config;
  }

  /**
   * "Test connection": fetches the IdP's discovery document and key set now
   * and says in plain words which step failed.
   */
  async check(providerId: string): Promise<{ ok: boolean; checks: OidcCheck[] }> {
    const p = await this.#d.providers.findById(providerId);
    if (!p || p.kind !== 'oidc') throw new PalisadeError('not_found', 'no such sign-in provider');
    this.#configs.delete(p.id);
    let meta: oidc.ServerMetadata;
    try {
      meta = (await this.#configuration(p)).serverMetadata();
    } catch (err) {
      const message =
        err instanceof PalisadeError && err.code === 'config_invalid'
          ? err.message
          : discoveryFailureMessage(causeText(err), ssoFailureReason(err) === 'issuer-mismatch');
      return { ok: false, checks: [{ step: 'discovery', ok: false, message }] };
    }
    const checks: OidcCheck[] = [
      {
        step: 'discovery',
        ok: true,
        message: `the issuer ${meta.issuer} answered with its configuration`,
      },
      ...metadataChecks(meta, p.config.idTokenAlg),
    ];
    if (meta.jwks_uri)
      checks.push(
        await fetchKeySetCheck(
          meta.jwks_uri,
          p.config.idTokenAlg,
          p.config.allowHttpLoopback && LOOPBACK.has(hostOf(meta.jwks_uri)),
          (this.#d.timeoutSeconds ?? 10) * 1000,
        ),
      );
    return { ok: checks.every((c) => c.ok), checks };
  }

  /**
   * Begins a login for `area` (default the user app), or, with `linkUserId`,
   * a link to the logged-in account (which opens no session), or, with
   * `reauth`, a re-authentication of that signed-in session (its user must
   * have an identity at this provider).
   */
  async start(input: {
    readonly providerId: string;
    readonly tenantId?: string;
    readonly linkUserId?: string;
    readonly area?: SessionKind;
    readonly reauth?: {
      readonly userId: string;
      readonly sessionId: string;
      readonly area: SessionKind;
    };
  }): Promise<OidcStart> {
    const p = await this.#provider(input.providerId);
    if (input.tenantId && input.tenantId !== p.tenantId)
      throw new PalisadeError('not_found', 'no such sign-in provider');
    const reauth = input.reauth;
    if (
      reauth &&
      !(await this.#d.identities.listOfUser(reauth.userId)).some((i) => i.providerId === p.id)
    )
      throw new PalisadeError('conflict', 'no identity at this provider is linked to your account');
    const config = await this.#configuration(p);
    const intent = reauth ? 'reauth' : input.linkUserId ? 'link' : 'login';
    const area = reauth?.area ?? (input.linkUserId ? 'app' : (input.area ?? 'app'));
    const now = this.#d.clock.now();
    const pending: PendingOidcLogin = {
      providerId: p.id,
      tenantId: p.tenantId,
      state: taggedState(tagOf({ intent, area }), oidc.randomState()),
      nonce: oidc.randomNonce(),
      codeVerifier: oidc.randomPKCECodeVerifier(),
      intent,
      userId: reauth?.userId ?? input.linkUserId ?? null,
      sessionId: reauth?.sessionId ?? null,
      area,
      startedAt: now,
      expiresAt: now + PENDING_LOGIN_TTL_MS,
    };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: p.config.redirectUri,
      scope: p.config.scopes.join(' '),
      response_type: 'code',
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
      // Core §3.1.2.1: authenticate the person again, whatever session the IdP holds.
      ...(reauth ? { prompt: 'login', max_age: '0' } : {}),
    });
    return {
      authorizationUrl: url.href,
      pendingCookie: sealPendingLogin(this.#d.pendingBox, pending),
      maxAgeSeconds: PENDING_LOGIN_TTL_MS / 1000,
    };
  }

  /**
   * What a pending-login cookie was started for (a login of an area, a link,
   * a re-authentication), to send the browser back to the right page when
   * the callback fails; a user-app login when the cookie is missing,
   * tampered, expired or for another provider.
   */
  pendingLanding(providerId: string, pendingCookie: string | null): PendingLanding {
    const fallback: PendingLanding = { intent: 'login', area: 'app' };
    if (!pendingCookie) return fallback;
    try {
      const p = openPendingLogin(
        this.#d.pendingBox,
        pendingCookie,
        providerId,
        this.#d.clock.now(),
      );
      return { intent: p.intent, area: p.area };
    } catch {
      return fallback;
    }
  }

  /**
   * Completes a login at the provider's callback. `query` is the raw query
   * string (without `?`); `pendingCookie` the cookie set by `start`;
   * `currentUserId` and `currentSessionId` the session the request carries
   * (a console session's SameSite=Strict cookie does not come back from the
   * IdP: then null).
   */
  async callback(input: {
    readonly providerId: string;
    readonly query: string;
    readonly pendingCookie: string | null;
    readonly currentUserId?: string | null;
    readonly currentSessionId?: string | null;
    readonly remote?: SsoRemote;
  }): Promise<OidcCallbackResult> {
    let tenantId: string | null = null;
    let userId: string | null = null;
    let intent: PendingOidcLogin['intent'] = 'login';
    let area: SessionKind | null = null;
    const extra: Record<string, unknown> = {};
    try {
      const p = await this.#provider(input.providerId);
      tenantId = p.tenantId;
      if (!input.pendingCookie || input.query.length > MAX_QUERY)
        throw ssoFailure('state-mismatch');
      let pending: PendingOidcLogin;
      try {
        pending = openPendingLogin(
          this.#d.pendingBox,
          input.pendingCookie,
          p.id,
          this.#d.clock.now(),
        );
      } catch (err) {
        throw ssoFailure('state-mismatch', err);
      }
      intent = pending.intent;
      area = pending.area;
      if (pending.intent === 'reauth') userId = pending.userId;
      if (pending.tenantId !== p.tenantId) throw ssoFailure('state-mismatch');
      // The state the IdP returns must carry the tag sealed in this browser's
      // cookie: a user-app flow's code and state never finish as a console
      // session, nor a re-authentication's as a login or the other way round
      // (the full state is compared by the code grant below).
      const returnedState = new URLSearchParams(input.query).get('state');
      const named = stateTag(returnedState);
      const expected = tagOf(pending);
      if (returnedState !== null && named !== expected)
        throw ssoFailure(
          named === null
            ? 'state-mismatch'
            : named === 'reauth' || expected === 'reauth'
              ? 'intent-mismatch'
              : 'area-mismatch',
        );
      if (pending.intent === 'link' && pending.userId !== (input.currentUserId ?? null))
        throw ssoFailure('state-mismatch');
      // A re-authentication counts for the session that began it: a session
      // cookie that came back with the IdP's redirect must be that one.
      if (
        pending.intent === 'reauth' &&
        ((input.currentSessionId != null && input.currentSessionId !== pending.sessionId) ||
          (input.currentUserId != null && input.currentUserId !== pending.userId))
      )
        throw ssoFailure('session-mismatch');
      const config = await this.#configuration(p);
      const currentUrl = new URL(p.config.redirectUri);
      currentUrl.search = input.query;
      let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
      try {
        tokens = await oidc.authorizationCodeGrant(config, currentUrl, {
          pkceCodeVerifier: pending.codeVerifier,
          expectedState: pending.state,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
        });
      } catch (err) {
        throw ssoFailure(oidcErrorCategory(err), err);
      }
      const claims = tokens.claims();
      if (!claims) throw ssoFailure('token-invalid');
      if (pending.intent === 'reauth') return await this.#reauthProof(p, pending, claims, extra);
      const who = this.#identity(p.id, p.tenantId, claims);
      if (pending.intent === 'link' && pending.userId) {
        userId = pending.userId;
        const identity = await this.#d.resolver.link(who, pending.userId);
        await recordSso(this.#d.audit, {
          action: 'sso.link',
          outcome: 'success',
          tenantId: p.tenantId,
          userId,
          providerId: p.id,
          remote: input.remote,
          detail: { issuer: who.issuer },
        });
        return { kind: 'linked', userId, identityId: identity.id };
      }
      const resolved = await this.#d.resolver.resolve(who, p.config);
      userId = resolved.account.id;
      if (resolved.created)
        await recordSso(this.#d.audit, {
          action: 'sso.account-create',
          outcome: 'success',
          tenantId: p.tenantId,
          actor: 'system',
          userId,
          providerId: p.id,
          remote: input.remote,
        });
      const authenticated = await this.#authenticated(
        p.config,
        p.id,
        p.tenantId,
        who,
        claims,
        resolved,
        pending.area,
      );
      await recordSso(this.#d.audit, {
        action: 'sso.login',
        outcome: 'success',
        tenantId: p.tenantId,
        userId,
        providerId: p.id,
        remote: input.remote,
        detail: {
          method: 'oidc',
          area: pending.area,
          mfa: authenticated.mfa.result,
          amr: authenticated.amr.slice(0, 10),
        },
      });
      return { kind: 'login', authenticated };
    } catch (err) {
      const reason = ssoFailureReason(err);
      if (reason || !isPalisadeError(err, 'not_found'))
        await recordSso(this.#d.audit, {
          action:
            intent === 'link' ? 'sso.link' : intent === 'reauth' ? 'auth.reauth' : 'sso.login',
          outcome: 'failure',
          tenantId,
          userId,
          providerId: input.providerId,
          reason: reason ?? 'token-invalid',
          remote: input.remote,
          detail: { method: 'oidc', ...(area ? { area } : {}), ...extra },
        });
      throw reason || isPalisadeError(err) ? err : ssoFailure('token-invalid', err);
    }
  }

  /**
   * The callback of a re-authentication: the IdP authenticated the person
   * just now (`auth_time`) as an identity linked to the session's user.
   */
  async #reauthProof(
    p: SsoProvider & { kind: 'oidc' },
    pending: PendingOidcLogin,
    claims: oidc.IDToken,
    extra: Record<string, unknown>,
  ): Promise<OidcCallbackResult> {
    const now = this.#d.clock.now();
    const verdict = authTimeVerdict(claims.auth_time, pending.startedAt, now);
    if (verdict !== 'fresh') {
      extra['authTime'] = verdict;
      throw ssoFailure('stale-authentication');
    }
    const linked = await this.#d.identities.find(p.tenantId, claims.iss, claims.sub);
    if (!linked || linked.userId !== pending.userId || pending.sessionId === null) {
      extra['issuer'] = claims.iss;
      throw ssoFailure('identity-mismatch');
    }
    const account = await this.#d.accounts.findById(linked.userId);
    if (!account?.active || account.tenantId !== p.tenantId) throw ssoFailure('account-disabled');
    const { amr, acr } = methodsOf(claims);
    const authTime = Number(claims.auth_time) * 1000;
    const proof: SsoReauthProof = {
      sessionId: pending.sessionId,
      userId: linked.userId,
      tenantId: p.tenantId,
      providerId: p.id,
      identityId: linked.id,
      authTime,
      idpMfaEvidence: idpAssertedMfa({ amr, acr, trust: p.config }),
      verifiedAt: now,
      expiresAt: authTime + REAUTH_MAX_AGE_MS,
    };
    return {
      kind: 'reauth',
      proof: sealReauthProof(this.#d.pendingBox, proof),
      maxAgeSeconds: Math.max(1, Math.ceil((proof.expiresAt - now) / 1000)),
    };
  }

  /**
   * The proof a re-authentication's callback left for `sessionId` (the
   * re-authentication cookie): for that session and user, unexpired, and its
   * identity still linked. Refusals are audited as `auth.reauth` failures.
   */
  async reauthProof(input: {
    readonly sealed: string | null;
    readonly sessionId: string;
    readonly userId: string;
    readonly tenantId: string;
    readonly remote?: SsoRemote;
  }): Promise<SsoReauthProof> {
    let providerId = '';
    try {
      if (!input.sealed) throw ssoFailure('session-mismatch');
      const proof = openReauthProof(
        this.#d.pendingBox,
        input.sealed,
        input.sessionId,
        this.#d.clock.now(),
      );
      providerId = proof.providerId;
      if (proof.userId !== input.userId || proof.tenantId !== input.tenantId)
        throw ssoFailure('session-mismatch');
      const identity = await this.#d.identities.findById(proof.identityId);
      if (!identity || identity.userId !== proof.userId) throw ssoFailure('identity-mismatch');
      return proof;
    } catch (err) {
      await recordSso(this.#d.audit, {
        action: 'auth.reauth',
        outcome: 'failure',
        tenantId: input.tenantId,
        userId: input.userId,
        providerId,
        reason: ssoFailureReason(err) ?? 'session-mismatch',
        remote: input.remote,
        detail: { method: 'oidc', session: input.sessionId },
      });
      throw err;
    }
  }

  #identity(providerId: string, tenantId: string, claims: oidc.IDToken): ExternalIdentity {
    const email = stringClaim(claims, 'email');
    return {
      tenantId,
      providerId,
      issuer: claims.iss,
      subject: claims.sub,
      email,
      // Entra ID sends no email_verified; its optional claim xms_edov says the
      // address is in a domain the tenant has verified (Microsoft's answer to
      // e-mail based account takeover).
      emailVerified: claims['email_verified'] === true || claims['xms_edov'] === true,
      profile: {
        username: usernameFrom(claims, claims.sub),
        displayName: stringClaim(claims, 'name', 200) ?? email ?? claims.sub.slice(0, 200),
        email,
        phone: null,
      },
    };
  }

  async #authenticated(
    c: OidcProviderConfig,
    providerId: string,
    tenantId: string,
    who: ExternalIdentity,
    claims: oidc.IDToken,
    resolved: { account: { id: string }; created: boolean },
    area: SessionKind,
  ): Promise<SsoAuthenticated> {
    const { amr, acr } = methodsOf(claims);
    return {
      tenantId,
      userId: resolved.account.id,
      providerId,
      providerKind: 'oidc',
      issuer: who.issuer,
      subject: who.subject,
      amr,
      acr,
      mfa: decideSsoMfa({
        mfaRequired: await this.#d.accounts.mfaRequired(resolved.account.id),
        amr,
        acr,
        trust: c,
      }),
      idpMfaEvidence: idpAssertedMfa({ amr, acr, trust: c }),
      created: resolved.created,
      area,
    };
  }
}
