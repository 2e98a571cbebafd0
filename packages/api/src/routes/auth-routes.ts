/**
 * The login flow (public: the password or a single-use token in the body is
 * the credential): password, then a second factor or a new-network
 * confirmation when needed; unlock and password-reset links.
 */
import { Type } from 'typebox';
import { route, type RouteSpec } from '../http/route-kit.ts';
import type { ApiServices } from './api-services.ts';
import {
  ContinueRequest,
  Empty,
  LinkRequest,
  LoginRequest,
  LoginResponse,
  LoginStepRequest,
  PasskeyLoginRequest,
  WebAuthnOptions,
  ResetComplete,
  ResetRequest,
  SendCodeRequest,
} from './auth-schemas.ts';
import { sendActive, sendOutcome } from './auth-responses.ts';

export function authRoutes(s: ApiServices): RouteSpec[] {
  const id = s.identity;
  const now = () => Date.now();
  return [
    route({
      method: 'POST',
      url: '/api/v1/auth/login',
      tag: 'auth',
      summary:
        'Log in with user name and password: an active session (cookie) or the next step (second factor, new-network confirmation)',
      permission: 'public',
      body: LoginRequest,
      response: { 200: LoginResponse },
      handler: async ({ body, reply, remoteAddress, remotePort }) => {
        const outcome = await id.login.login({
          username: body.username,
          tenantDomain: body.tenantDomain ?? null,
          password: body.password,
          kind: body.client ?? 'app',
          remoteAddress,
          remotePort,
          userAgent: String(reply.request.headers['user-agent'] ?? ''),
        });
        return sendOutcome(reply, outcome, now());
      },
    }),
    route({
      method: 'POST',
      url: '/api/v1/auth/login/code',
      tag: 'auth',
      summary: 'Send a sign-in code by e-mail or SMS for a login waiting for its second factor',
      permission: 'public',
      body: SendCodeRequest,
      response: { 204: Type.Null() },
      handler: async ({ body, reply, remoteAddress, remotePort }) => {
        await id.login.sendCode(body.loginToken, body.method, { remoteAddress, remotePort });
        return reply.status(204).send();
      },
    }),
    route({
      method: 'POST',
      url: '/api/v1/auth/login/mfa',
      tag: 'auth',
      summary: 'Complete a login with a second factor (TOTP, recovery, e-mail or SMS code)',
      permission: 'public',
      body: LoginStepRequest,
      response: { 200: LoginResponse },
      handler: async ({ body, reply, remoteAddress, remotePort }) => {
        const issued = await id.login.secondFactor(body.loginToken, body.method, body.code, {
          remoteAddress,
          remotePort,
        });
        return sendActive(reply, issued, now());
      },
    }),
    route({
      method: 'POST',
      url: '/api/v1/auth/login/passkey/options',
      tag: 'auth',
      summary:
        'WebAuthn request options (single-use challenge) for a login waiting for its second factor',
      permission: 'public',
      body: ContinueRequest,
      response: { 200: WebAuthnOptions },
      handler: ({ body }) => id.login.passkeyOptions(body.loginToken),
    }),
    route({
      method: 'POST',
      url: '/api/v1/auth/login/passkey',
      tag: 'auth',
      summary: 'Complete a login with a passkey assertion',
      permission: 'public',
      body: PasskeyLoginRequest,
      response: { 200: LoginResponse },
      handler: async ({ body, reply, remoteAddress, remotePort }) => {
        const issued = await id.login.passkeyLogin(body.loginToken, body.response, {
          remoteAddress,
          remotePort,
        });
        return sendActive(reply, issued, now());
      },
    }),
    route({
      method: 'POST',
      url: '/api/v1/auth/login/continue',
      tag: 'auth',
      summary: 'Continue a login held for a new network once the e-mailed link was used',
      permission: 'public',
      body: ContinueRequest,
      response: { 200: LoginResponse },
      handler: async ({ body, reply, remoteAddress, remotePort }) =>
        sendOutcome(
          reply,
          await id.login.continueAfterLocation(body.loginToken, { remoteAddress, remotePort }),
          now(),
        ),
    }),
    route({
      method: 'POST',
      url: '/api/v1/auth/location/confirm',
      tag: 'auth',
      summary: 'Confirm a sign-in from a new network with the e-mailed single-use link',
      permission: 'public',
      body: LinkRequest,
      response: { 204: Type.Null() },
      handler: async ({ body, reply, remoteAddress, remotePort }) => {
        await id.login.confirmLocation(body.token, { remoteAddress, remotePort });
        return reply.status(204).send();
      },
    }),
    route({
      method: 'POST',
      url: '/api/v1/auth/unlock',
      tag: 'auth',
      summary: 'Unlock a locked account with the e-mailed single-use link',
      permission: 'public',
      body: LinkRequest,
      response: { 204: Type.Null() },
      handler: async ({ body, reply, remoteAddress, remotePort }) => {
        await id.login.unlockByLink(body.token, { remoteAddress, remotePort });
        return reply.status(204).send();
      },
    }),
    route({
      method: 'POST',
      url: '/api/v1/auth/password/reset-request',
      tag: 'auth',
      summary:
        'E-mail a password-reset link (the answer is the same whether the account exists or not)',
      permission: 'public',
      body: ResetRequest,
      response: { 202: Empty },
      handler: async ({ body, reply, remoteAddress, remotePort }) => {
        await id.passwords.requestReset(body.username, body.tenantDomain ?? null);
        await s.audit.record({
          actor: 'anonymous',
          action: 'auth.password-reset-request',
          outcome: 'success',
          remoteAddress,
          remotePort,
          detail: { method: 'email' },
        });
        return reply.status(202).send({});
      },
    }),
    route({
      method: 'POST',
      url: '/api/v1/auth/password/reset',
      tag: 'auth',
      summary: 'Set a new password with the e-mailed single-use reset link; ends every session',
      permission: 'public',
      body: ResetComplete,
      response: { 204: Type.Null() },
      handler: async ({ body, reply, remoteAddress, remotePort }) => {
        const account = await id.passwords.completeReset(body.token, body.password);
        await s.audit.record({
          actor: `user:${account.id}`,
          action: 'auth.password-reset',
          outcome: 'success',
          tenantId: account.tenantId,
          target: `user:${account.id}`,
          remoteAddress,
          remotePort,
          detail: { method: 'email-link' },
        });
        return reply.status(204).send();
      },
    }),
  ];
}
