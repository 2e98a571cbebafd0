/**
 * A signed-in user's own security: who am I, log out, my sessions,
 * re-authentication, password change, and second factors. Changes to the
 * password and to factors need a fresh re-authentication (server-side).
 */
import { Type } from 'typebox';
import { PalisadeError } from '@palisade/common';
import { factorView } from '@palisade/security';
import { route, type RouteSpec } from '../http/route-kit.ts';
import { clearedSessionCookie } from '../http/session-cookie.ts';
import type { ApiServices } from './api-services.ts';
import {
  Code,
  Ended,
  Method,
  Password,
  SessionView,
  WebAuthnOptions,
  WebAuthnResponse,
} from './auth-schemas.ts';
import { rotateSession, sessionView } from './auth-responses.ts';
import { sessionOf } from './session-of.ts';
import { IdParams } from './schemas.ts';

const Me = Type.Object(
  {
    userId: Type.String(),
    tenantId: Type.String(),
    permissions: Type.Array(Type.String()),
    csrfToken: Type.String(),
    mfaEnrolmentRequired: Type.Boolean(),
    passwordChangeRequired: Type.Boolean(),
    reauthenticatedAt: Type.Integer(),
    session: SessionView,
  },
  { additionalProperties: false },
);
const Reauth = Type.Object(
  { password: Password, method: Type.Optional(Method), code: Type.Optional(Code) },
  { additionalProperties: false },
);
const Rotated = Type.Object({ csrfToken: Type.String() }, { additionalProperties: false });
const NewPassword = Type.Object({ password: Password }, { additionalProperties: false });
const FactorBody = Type.Object(
  {
    id: Type.String(),
    kind: Type.String(),
    label: Type.String(),
    confirmed: Type.Boolean(),
    createdAt: Type.Integer(),
    lastUsedAt: Type.Union([Type.Null(), Type.Integer()]),
  },
  { additionalProperties: true },
);
const TotpEnrolment = Type.Object(
  {
    factor: FactorBody,
    secret: Type.String({ description: 'base32; shown this once' }),
    uri: Type.String(),
    qrSvg: Type.String({
      description: 'the otpauth URI as an SVG QR code, rendered on the server',
    }),
  },
  { additionalProperties: false },
);
const TotpLabel = Type.Object(
  { label: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) },
  { additionalProperties: false },
);
const TotpConfirm = Type.Object({ code: Code }, { additionalProperties: false });
const RecoveryCodes = Type.Object(
  { codes: Type.Array(Type.String(), { description: 'shown this once' }) },
  { additionalProperties: false },
);

const pickFactor = (f: ReturnType<typeof factorView>) => ({
  id: f.id,
  kind: f.kind,
  label: f.label,
  confirmed: f.confirmed,
  createdAt: f.createdAt,
  lastUsedAt: f.lastUsedAt,
});

export function accountSecurityRoutes(s: ApiServices): RouteSpec[] {
  const id = s.identity;
  const remote = (ctx: { remoteAddress: string; remotePort: number }) => ({
    remoteAddress: ctx.remoteAddress,
    remotePort: ctx.remotePort,
  });
  const audit = async (
    ctx: { remoteAddress: string; remotePort: number; principal: { id: string; tenantId: string } },
    action: string,
    detail: Record<string, unknown> = {},
  ) =>
    s.audit.record({
      actor: `user:${ctx.principal.id}`,
      action,
      outcome: 'success',
      tenantId: ctx.principal.tenantId,
      target: `user:${ctx.principal.id}`,
      ...remote(ctx),
      detail,
    });
  return [
    route({
      method: 'GET',
      url: '/api/v1/auth/session',
      tag: 'auth',
      summary: 'The current session, its permissions and CSRF token',
      permission: 'self',
      duringPasswordChange: true,
      duringMfaEnrolment: true,
      response: { 200: Me },
      handler: async ({ principal }) => {
        const session = sessionOf(principal);
        return {
          userId: principal.id,
          tenantId: principal.tenantId,
          permissions: [...principal.permissions].sort(),
          csrfToken: principal.web?.csrfToken ?? '',
          mfaEnrolmentRequired: session.mustEnrolMfa,
          passwordChangeRequired: principal.web?.passwordExpired === true,
          reauthenticatedAt: session.authenticatedAt,
          session: sessionView(session, session.id),
        };
      },
    }),
    route({
      method: 'POST',
      url: '/api/v1/auth/logout',
      tag: 'auth',
      summary: 'Log out: the session ends on the server and the cookie is cleared',
      permission: 'self',
      duringPasswordChange: true,
      duringMfaEnrolment: true,
      response: { 204: Type.Null() },
      handler: async (ctx) => {
        const session = sessionOf(ctx.principal);
        await id.sessions.revoke(session.id, 'logout');
        await audit(ctx, 'auth.logout', { session: session.id });
        return ctx.reply.header('set-cookie', clearedSessionCookie()).status(204).send();
      },
    }),
    route({
      method: 'GET',
      url: '/api/v1/auth/sessions',
      tag: 'auth',
      summary: 'My live sessions',
      permission: 'self',
      response: { 200: Type.Array(SessionView) },
      handler: async ({ principal }) => {
        const current = sessionOf(principal);
        return (await id.sessions.list({ userId: principal.id })).map((x) =>
          sessionView(x, current.id),
        );
      },
    }),
    route({
      method: 'POST',
      url: '/api/v1/auth/sessions/revoke-others',
      tag: 'auth',
      summary: 'Log out my other sessions',
      permission: 'self',
      response: { 200: Ended },
      handler: async (ctx) => {
        const current = sessionOf(ctx.principal);
        const ended = await id.sessions.revokeAllOfUser(
          ctx.principal.id,
          'logout others',
          current.id,
        );
        await audit(ctx, 'auth.session-end', { scope: 'others', ended });
        return { ended };
      },
    }),
    route({
      method: 'DELETE',
      url: '/api/v1/auth/sessions/:id',
      tag: 'auth',
      summary: 'End one of my sessions',
      permission: 'self',
      params: IdParams,
      response: { 200: Ended },
      handler: async (ctx) => {
        const target = await id.sessions.findById(ctx.params.id);
        if (!target || target.userId !== ctx.principal.id)
          throw new PalisadeError('not_found', 'session not found');
        const ended = (await id.sessions.revoke(target.id, 'ended by user')) ? 1 : 0;
        await audit(ctx, 'auth.session-end', { session: target.id });
        return { ended };
      },
    }),
    route({
      method: 'POST',
      url: '/api/v1/auth/reauth',
      tag: 'auth',
      summary:
        'Confirm the password (and a second-factor code when enrolled) before a security change; rotates the session',
      permission: 'self',
      duringPasswordChange: true,
      duringMfaEnrolment: true,
      body: Reauth,
      response: { 200: Rotated },
      handler: async (ctx) => {
        const session = sessionOf(ctx.principal);
        await id.login.reauthenticate(
          session,
          {
            password: ctx.body.password,
            ...(ctx.body.method ? { method: ctx.body.method } : {}),
            ...(ctx.body.code ? { code: ctx.body.code } : {}),
          },
          remote(ctx),
        );
        const csrfToken = await rotateSession(id.sessions, session, ctx.reply);
        return { csrfToken };
      },
    }),
    route({
      method: 'POST',
      url: '/api/v1/auth/password',
      tag: 'auth',
      summary: 'Change my password (needs a fresh re-authentication); my other sessions end',
      permission: 'self',
      freshAuth: true,
      duringPasswordChange: true,
      body: NewPassword,
      response: { 204: Type.Null() },
      handler: async (ctx) => {
        const session = sessionOf(ctx.principal);
        const account = await id.directory.findById(ctx.principal.id);
        if (!account) throw new PalisadeError('unauthenticated', 'authentication required');
        await id.passwords.set(account, ctx.body.password, session.id);
        await audit(ctx, 'auth.password-change', { method: 'password' });
        return ctx.reply.status(204).send();
      },
    }),
    route({
      method: 'GET',
      url: '/api/v1/auth/mfa/factors',
      tag: 'auth',
      summary: 'My second factors (no secrets)',
      permission: 'self',
      duringMfaEnrolment: true,
      response: { 200: Type.Array(FactorBody) },
      handler: async ({ principal }) =>
        (await id.factors.list(principal.id)).map((f) => pickFactor(factorView(f))),
    }),
    route({
      method: 'POST',
      url: '/api/v1/auth/mfa/totp',
      tag: 'auth',
      summary:
        'Start enrolling an authenticator app: the secret and its QR code (needs re-authentication)',
      permission: 'self',
      freshAuth: true,
      duringMfaEnrolment: true,
      body: TotpLabel,
      response: { 201: TotpEnrolment },
      handler: async (ctx) => {
        sessionOf(ctx.principal);
        const account = await id.directory.findById(ctx.principal.id);
        if (!account) throw new PalisadeError('unauthenticated', 'authentication required');
        const settings = await id.directory.settings(account.tenantId);
        const begun = await id.factors.beginTotp(
          { tenantId: account.tenantId, userId: account.id },
          `Palisade ${settings.tenantName}`.slice(0, 64),
          account.email ?? account.username,
          ctx.body.label ?? 'authenticator app',
        );
        await audit(ctx, 'auth.mfa-enrol', { method: 'totp', stage: 'begin' });
        return ctx.reply.status(201).send({
          factor: pickFactor(begun.factor),
          secret: begun.secret,
          uri: begun.uri,
          qrSvg: await id.qrSvg(begun.uri),
        });
      },
    }),
    route({
      method: 'POST',
      url: '/api/v1/auth/mfa/totp/:id/confirm',
      tag: 'auth',
      summary: 'Finish enrolling an authenticator app with its first code; the session rotates',
      permission: 'self',
      freshAuth: true,
      duringMfaEnrolment: true,
      params: IdParams,
      body: TotpConfirm,
      response: { 200: Type.Object({ factor: FactorBody, csrfToken: Type.String() }) },
      handler: async (ctx) => {
        const session = sessionOf(ctx.principal);
        const factor = await id.factors.confirmTotp(ctx.principal.id, ctx.params.id, ctx.body.code);
        await audit(ctx, 'auth.mfa-enrol', { method: 'totp', stage: 'confirm' });
        // A privilege change: the session may do more now, so it gets a new token.
        const csrfToken = await rotateSession(id.sessions, session, ctx.reply, {
          mustEnrolMfa: false,
        });
        return { factor: pickFactor(factor), csrfToken };
      },
    }),
    route({
      method: 'POST',
      url: '/api/v1/auth/mfa/passkey/options',
      tag: 'auth',
      summary:
        'WebAuthn creation options (single-use challenge) to register a passkey (needs re-authentication)',
      permission: 'self',
      freshAuth: true,
      duringMfaEnrolment: true,
      body: Type.Object({}, { additionalProperties: false }),
      response: { 200: WebAuthnOptions },
      handler: async (ctx) => {
        const session = sessionOf(ctx.principal);
        const account = await id.directory.findById(ctx.principal.id);
        if (!account) throw new PalisadeError('unauthenticated', 'authentication required');
        return id.passkeys.registrationOptions(account, session.id);
      },
    }),
    route({
      method: 'POST',
      url: '/api/v1/auth/mfa/passkey',
      tag: 'auth',
      summary: 'Register a passkey from the browser response; the session rotates',
      permission: 'self',
      freshAuth: true,
      duringMfaEnrolment: true,
      body: Type.Object(
        {
          response: WebAuthnResponse,
          label: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
        },
        { additionalProperties: false },
      ),
      response: { 201: Type.Object({ factor: FactorBody, csrfToken: Type.String() }) },
      handler: async (ctx) => {
        const session = sessionOf(ctx.principal);
        const factor = await id.passkeys.register(
          { tenantId: ctx.principal.tenantId, userId: ctx.principal.id },
          session.id,
          ctx.body.response,
          ctx.body.label ?? 'passkey',
        );
        await audit(ctx, 'auth.mfa-enrol', { method: 'passkey', factor: factor.id });
        const csrfToken = await rotateSession(id.sessions, session, ctx.reply, {
          mustEnrolMfa: false,
        });
        return ctx.reply.status(201).send({ factor: pickFactor(factor), csrfToken });
      },
    }),
    route({
      method: 'POST',
      url: '/api/v1/auth/mfa/recovery-codes',
      tag: 'auth',
      summary:
        'New recovery codes (shown once; earlier ones stop working; needs re-authentication)',
      permission: 'self',
      freshAuth: true,
      body: Type.Object({}, { additionalProperties: false }),
      response: { 201: RecoveryCodes },
      handler: async (ctx) => {
        sessionOf(ctx.principal);
        const codes = await id.factors.newRecoveryCodes({
          tenantId: ctx.principal.tenantId,
          userId: ctx.principal.id,
        });
        await audit(ctx, 'auth.mfa-enrol', { method: 'recovery', count: codes.length });
        return ctx.reply.status(201).send({ codes });
      },
    }),
    route({
      method: 'DELETE',
      url: '/api/v1/auth/mfa/factors/:id',
      tag: 'auth',
      summary: 'Remove one of my second factors (needs re-authentication)',
      permission: 'self',
      freshAuth: true,
      params: IdParams,
      response: { 200: FactorBody },
      handler: async (ctx) => {
        sessionOf(ctx.principal);
        const removed = await id.factors.remove(ctx.principal.id, ctx.params.id);
        await audit(ctx, 'auth.mfa-remove', { method: removed.kind, factor: removed.id });
        return pickFactor(removed);
      },
    }),
  ];
}
