/**
 * Sign-in routes: OIDC start and callback (browser redirects), LDAP password
 * sign-in, the "Sign in with …" options of the login page, and a signed-in
 * user's linked identities. Each ends at the session port.
 */
import { Type } from 'typebox';
import { PalisadeError } from '@palisade/common';
import { ssoFailureReason } from '@palisade/security';
import { route, type RouteSpec } from '../http/route-kit.ts';
import type { ApiServices } from '../routes/api-services.ts';
import { IdParams } from '../routes/schemas.ts';
import { identityView } from './sso-admin-routes.ts';
import {
  clearPendingCookie,
  pendingCookie,
  readPendingCookie,
  reauthCookie,
} from './sso-cookie.ts';
import { REAUTH_PAGE_PATH, ssoLoginPath, withQueryParam } from './sso-landing.ts';
import {
  CallbackQuery,
  LinkedIdentityBody,
  LoginClient,
  ProviderParams,
  StartQuery,
} from './sso-schemas.ts';

const Redirect = Type.Null({
  description: 'a redirect (303) to the identity provider or into the app',
});
const LdapLogin = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 256 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
    client: Type.Optional(LoginClient),
  },
  { additionalProperties: false },
);
const LoginOption = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: Type.Union([Type.Literal('oidc'), Type.Literal('ldap')]),
  startUrl: Type.Union([Type.Null(), Type.String()]),
});

function userOf(actor: string): string {
  if (!actor.startsWith('user:'))
    throw new PalisadeError('forbidden', 'this needs a signed-in user (self)');
  return actor.slice('user:'.length);
}

export function ssoLoginRoutes(s: ApiServices): RouteSpec[] {
  const sso = s.sso;
  return [
    route({
      method: 'GET',
      url: '/api/v1/sso/login-options',
      tag: 'sso',
      summary: 'The enabled sign-in providers of the default tenant, for "Sign in with …" buttons',
      permission: 'public',
      response: { 200: Type.Array(LoginOption) },
      handler: async () =>
        (await sso.providers.list(s.defaultTenantId))
          .filter((p) => p.enabled)
          .map((p) => ({
            id: p.id,
            name: p.name,
            kind: p.kind,
            startUrl: p.kind === 'oidc' ? `/api/v1/sso/oidc/${p.id}/start` : null,
          })),
    }),
    route({
      method: 'GET',
      url: '/api/v1/sso/oidc/:providerId/start',
      tag: 'sso',
      summary:
        'Begin an OpenID Connect sign-in for the user app or (`?client=console`) the console: redirects to the identity provider (PKCE, state, nonce, the area sealed with them)',
      permission: 'public',
      params: ProviderParams,
      query: StartQuery,
      response: { 303: Redirect },
      handler: async ({ params, query, reply }) => {
        const started = await sso.oidc.start({
          providerId: params.providerId,
          area: query.client ?? 'app',
        });
        void reply.header(
          'set-cookie',
          pendingCookie(started.pendingCookie, started.maxAgeSeconds),
        );
        void reply.header('cache-control', 'no-store');
        return reply.redirect(started.authorizationUrl, 303);
      },
    }),
    route({
      method: 'GET',
      url: '/api/v1/sso/oidc/:providerId/callback',
      tag: 'sso',
      summary: 'Where the identity provider sends the browser back (its exact redirect URI)',
      permission: 'public',
      params: ProviderParams,
      query: CallbackQuery,
      response: { 303: Redirect },
      handler: async ({ params, reply, remoteAddress, remotePort }) => {
        const request = reply.request;
        const raw = request.raw.url ?? '';
        const query = raw.includes('?') ? raw.slice(raw.indexOf('?') + 1) : '';
        void reply.header('set-cookie', clearPendingCookie());
        void reply.header('cache-control', 'no-store');
        const pending = readPendingCookie(request);
        // Only for where a failure is shown; the login itself reads the area
        // and intent from the cookie it opens and checks.
        const landing = sso.oidc.pendingLanding(params.providerId, pending);
        const current = await sso.session.currentSession(request);
        try {
          const result = await sso.oidc.callback({
            providerId: params.providerId,
            query,
            pendingCookie: pending,
            currentUserId: current?.userId ?? null,
            currentSessionId: current?.sessionId ?? null,
            remote: { remoteAddress, remotePort },
          });
          if (result.kind === 'linked') return reply.redirect(`${sso.appPath}?sso_linked=1`, 303);
          if (result.kind === 'reauth') {
            // The session that asked finishes it from its own page (its cookie
            // may be SameSite=Strict and absent from this cross-site request).
            void reply.header('set-cookie', [
              clearPendingCookie(),
              reauthCookie(result.proof, result.maxAgeSeconds),
            ]);
            return reply.redirect(`${REAUTH_PAGE_PATH}?reauth=oidc`, 303);
          }
          return await sso.session.completeSsoLogin({
            authenticated: result.authenticated,
            remoteAddress,
            remotePort,
            userAgent: String(request.headers['user-agent'] ?? '').slice(0, 512),
            respondWith: 'redirect',
            reply,
          });
        } catch (err) {
          const reason = ssoFailureReason(err);
          if (!reason) throw err;
          if (landing.intent === 'reauth')
            return reply.redirect(withQueryParam(REAUTH_PAGE_PATH, 'reauth_error', reason), 303);
          return reply.redirect(
            withQueryParam(ssoLoginPath(landing.area, sso.appPath), 'sso_error', reason),
            303,
          );
        }
      },
    }),
    route({
      method: 'POST',
      url: '/api/v1/sso/ldap/:providerId/login',
      tag: 'sso',
      summary:
        'Sign in with a directory (LDAP / Active Directory) user name and password, to the user app or (`client: console`) the console',
      permission: 'public',
      params: ProviderParams,
      body: LdapLogin,
      response: { 200: Type.Record(Type.String(), Type.Unknown()) },
      handler: async ({ params, body, reply, remoteAddress, remotePort }) => {
        const authenticated = await sso.ldap.login({
          providerId: params.providerId,
          tenantId: s.defaultTenantId,
          username: body.username,
          password: body.password,
          area: body.client ?? 'app',
          remote: { remoteAddress, remotePort },
        });
        return sso.session.completeSsoLogin({
          authenticated,
          remoteAddress,
          remotePort,
          userAgent: String(reply.request.headers['user-agent'] ?? '').slice(0, 512),
          respondWith: 'json',
          reply,
        });
      },
    }),
    route({
      method: 'POST',
      url: '/api/v1/sso/oidc/:providerId/link',
      tag: 'sso',
      summary:
        'Begin linking an identity of this provider to your own account; answers the URL to open',
      permission: 'self',
      params: ProviderParams,
      response: { 200: Type.Object({ authorizationUrl: Type.String() }) },
      handler: async ({ params, principal, reply }) => {
        const started = await sso.oidc.start({
          providerId: params.providerId,
          tenantId: principal.tenantId,
          linkUserId: userOf(principal.actor),
        });
        void reply.header(
          'set-cookie',
          pendingCookie(started.pendingCookie, started.maxAgeSeconds),
        );
        return { authorizationUrl: started.authorizationUrl };
      },
    }),
    route({
      method: 'GET',
      url: '/api/v1/me/identities',
      tag: 'sso',
      summary: 'Your linked sign-in identities',
      permission: 'self',
      response: { 200: Type.Array(LinkedIdentityBody) },
      handler: async ({ principal }) =>
        (await sso.identities.listOfUser(userOf(principal.actor))).map(identityView),
    }),
    route({
      method: 'DELETE',
      url: '/api/v1/me/identities/:id',
      tag: 'sso',
      summary: 'Unlink one of your sign-in identities',
      permission: 'self',
      params: IdParams,
      response: { 200: Type.Object({ deleted: Type.Boolean() }) },
      handler: async ({ principal, params, actor }) => {
        await sso.identities.unlink({
          identityId: params.id,
          userId: userOf(principal.actor),
          actor: actor.id,
          remote: actor,
        });
        return { deleted: true };
      },
    }),
  ];
}
