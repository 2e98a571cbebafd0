/**
 * Re-authentication through single sign-on (PRODUCT issue 5 item 3 for
 * accounts that sign in with SSO): what can confirm it is you, the IdP's
 * login again (`prompt=login`, `max_age=0`), and the directory password.
 * Each ends like the password re-authentication (`POST /api/v1/auth/reauth`):
 * the session's re-authentication time is set and the session rotates.
 *
 *   POST /sso/oidc/:id/reauth ──► IdP (login again) ──► callback (auth_time, identity)
 *        pending cookie: reauth, this session           │ proof cookie sealed for the session
 *   POST /auth/reauth/oidc  ◄── /app/security?reauth=oidc ◄┘ (+ a code when asked)
 */
import { Type } from 'typebox';
import { route, type RouteSpec } from '../http/route-kit.ts';
import type { ApiServices } from '../routes/api-services.ts';
import { Code, Method, Password } from '../routes/auth-schemas.ts';
import { rotateSession } from '../routes/auth-responses.ts';
import { sessionOf } from '../routes/session-of.ts';
import { clearReauthCookie, pendingCookie, readReauthCookie } from './sso-cookie.ts';
import { ProviderParams } from './sso-schemas.ts';

const ReauthMethods = Type.Object(
  {
    password: Type.Boolean({ description: 'the local password can confirm it is you' }),
    ssoOnly: Type.Boolean({ description: 'the account signs in through SSO only' }),
    factor: Type.Boolean({
      description: 'a second-factor code is asked too (unless a trusted IdP asserts one)',
    }),
    providers: Type.Array(
      Type.Object(
        {
          id: Type.String(),
          name: Type.String(),
          kind: Type.Union([Type.Literal('oidc'), Type.Literal('ldap')]),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
const Factor = { method: Type.Optional(Method), code: Type.Optional(Code) };
const OidcFinish = Type.Object(Factor, { additionalProperties: false });
const LdapReauth = Type.Object({ password: Password, ...Factor }, { additionalProperties: false });
const Rotated = Type.Object({ csrfToken: Type.String() }, { additionalProperties: false });

const factorOf = (body: { method?: 'totp' | 'recovery' | 'email' | 'sms'; code?: string }) => ({
  ...(body.method ? { method: body.method } : {}),
  ...(body.code ? { code: body.code } : {}),
});

export function ssoReauthRoutes(s: ApiServices): RouteSpec[] {
  const sso = s.sso;
  const id = s.identity;
  // Open to a session that must first enrol a second factor or change its
  // password: both need a fresh re-authentication.
  const reauthRoute = {
    permission: 'self',
    duringMfaEnrolment: true,
    duringPasswordChange: true,
  } as const;
  return [
    route({
      ...reauthRoute,
      method: 'GET',
      url: '/api/v1/auth/reauth/methods',
      tag: 'auth',
      summary:
        'What can confirm it is you before a security change: the local password, and the enabled providers you have an identity at',
      response: { 200: ReauthMethods },
      handler: async ({ principal }) => {
        const session = sessionOf(principal);
        const own = await id.login.reauthOptions(session);
        const linked = new Set(
          (await sso.identities.listOfUser(session.userId)).map((i) => i.providerId),
        );
        const providers = (await sso.providers.list(session.tenantId))
          .filter((p) => p.enabled && linked.has(p.id))
          .map((p) => ({ id: p.id, name: p.name, kind: p.kind }));
        return { ...own, providers };
      },
    }),
    route({
      ...reauthRoute,
      method: 'POST',
      url: '/api/v1/sso/oidc/:providerId/reauth',
      tag: 'sso',
      summary:
        'Begin confirming it is you at your identity provider (it asks you to sign in again); answers the URL to open',
      params: ProviderParams,
      body: Type.Object({}, { additionalProperties: false }),
      response: { 200: Type.Object({ authorizationUrl: Type.String() }) },
      handler: async ({ params, principal, reply }) => {
        const session = sessionOf(principal);
        const started = await sso.oidc.start({
          providerId: params.providerId,
          tenantId: session.tenantId,
          reauth: { userId: session.userId, sessionId: session.id, area: session.kind },
        });
        void reply.header(
          'set-cookie',
          pendingCookie(started.pendingCookie, started.maxAgeSeconds),
        );
        void reply.header('cache-control', 'no-store');
        return { authorizationUrl: started.authorizationUrl };
      },
    }),
    route({
      ...reauthRoute,
      method: 'POST',
      url: '/api/v1/auth/reauth/oidc',
      tag: 'auth',
      summary:
        'Finish confirming it is you after the identity provider (and a second-factor code when asked); rotates the session',
      body: OidcFinish,
      response: { 200: Rotated },
      handler: async (ctx) => {
        const session = sessionOf(ctx.principal);
        const remote = { remoteAddress: ctx.remoteAddress, remotePort: ctx.remotePort };
        const proof = await sso.oidc.reauthProof({
          sealed: readReauthCookie(ctx.reply.request),
          sessionId: session.id,
          userId: session.userId,
          tenantId: session.tenantId,
          remote,
        });
        await id.login.completeSsoReauth(
          session,
          {
            method: 'oidc',
            providerId: proof.providerId,
            verifiedAt: proof.verifiedAt,
            idpMfaEvidence: proof.idpMfaEvidence,
            factor: factorOf(ctx.body),
          },
          remote,
        );
        const csrfToken = await rotateSession(id.sessions, session, ctx.reply);
        void ctx.reply.header('set-cookie', [
          ...([] as string[]).concat(
            (ctx.reply.getHeader('set-cookie') as string | string[] | undefined) ?? [],
          ),
          clearReauthCookie(),
        ]);
        return { csrfToken };
      },
    }),
    route({
      ...reauthRoute,
      method: 'POST',
      url: '/api/v1/sso/ldap/:providerId/reauth',
      tag: 'sso',
      summary:
        'Confirm it is you with your directory (LDAP / AD) password (and a second-factor code when you have one); rotates the session',
      params: ProviderParams,
      body: LdapReauth,
      response: { 200: Rotated },
      handler: async (ctx) => {
        const session = sessionOf(ctx.principal);
        const remote = { remoteAddress: ctx.remoteAddress, remotePort: ctx.remotePort };
        const confirmed = await sso.ldap.reauthenticate({
          providerId: ctx.params.providerId,
          tenantId: session.tenantId,
          userId: session.userId,
          password: ctx.body.password,
          remote,
        });
        await id.login.completeSsoReauth(
          session,
          {
            method: 'ldap',
            providerId: confirmed.providerId,
            verifiedAt: confirmed.verifiedAt,
            idpMfaEvidence: null,
            factor: factorOf(ctx.body),
          },
          remote,
        );
        return { csrfToken: await rotateSession(id.sessions, session, ctx.reply) };
      },
    }),
  ];
}
