/**
 * Admin side of identity: list and end any session of the tenant, unlock an
 * account, and the tenant's identity settings (trusted origins, MFA rules,
 * location check, password preset).
 */
import { Type } from 'typebox';
import { PalisadeError } from '@palisade/common';
import { assertTenantVisible } from '@palisade/pbx';
import { route, type RouteSpec } from '../http/route-kit.ts';
import type { ApiServices } from './api-services.ts';
import { Ended, SessionView } from './auth-schemas.ts';
import { sessionView } from './auth-responses.ts';
import { IdParams } from './schemas.ts';

const Origin = Type.String({
  minLength: 8,
  maxLength: 253,
  pattern: '^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$',
});
const IdentitySettings = Type.Object(
  {
    trustedOrigins: Type.Array(Origin, { maxItems: 50 }),
    locationMfa: Type.Boolean(),
    mfaForAll: Type.Boolean(),
    mfaGroupIds: Type.Array(Type.String({ minLength: 1, maxLength: 36 }), { maxItems: 100 }),
    passwordPreset: Type.Union([Type.Literal('standards'), Type.Literal('vendor-compat')]),
  },
  { additionalProperties: false },
);
const IdentitySettingsPatch = Type.Partial(IdentitySettings, { additionalProperties: false });
const TenantQuery = Type.Object(
  { tenantId: Type.Optional(Type.String({ minLength: 1, maxLength: 36 })) },
  { additionalProperties: false },
);

export function sessionAdminRoutes(s: ApiServices): RouteSpec[] {
  const id = s.identity;
  return [
    route({
      method: 'GET',
      url: '/api/v1/sessions',
      tag: 'sessions',
      summary: "List the tenant's live web sessions",
      permission: 'users:view',
      query: TenantQuery,
      response: { 200: Type.Array(SessionView) },
      handler: async ({ principal, query }) => {
        const tenantId = principal.installationWide
          ? (query.tenantId ?? principal.tenantId)
          : principal.tenantId;
        return (await id.sessions.list({ tenantId })).map((x) => sessionView(x));
      },
    }),
    route({
      method: 'DELETE',
      url: '/api/v1/sessions/:id',
      tag: 'sessions',
      summary: 'End any session of the tenant',
      permission: 'users:change',
      params: IdParams,
      response: { 200: Ended },
      handler: async ({ params, actor }) => {
        const target = await id.sessions.findById(params.id);
        if (!target) throw new PalisadeError('not_found', 'session not found');
        assertTenantVisible(actor, target.tenantId, 'session');
        const ended = (await id.sessions.revoke(target.id, 'ended by admin')) ? 1 : 0;
        await s.audit.record({
          actor: actor.id,
          action: 'auth.session-end',
          outcome: 'success',
          tenantId: target.tenantId,
          target: `user:${target.userId}`,
          remoteAddress: actor.remoteAddress,
          remotePort: actor.remotePort,
          detail: { session: target.id, by: 'admin' },
        });
        return { ended };
      },
    }),
    route({
      method: 'POST',
      url: '/api/v1/users/:id/unlock',
      tag: 'users',
      summary: 'Unlock an account locked by failed logins',
      permission: 'users:change',
      params: IdParams,
      body: Type.Object({}, { additionalProperties: false }),
      response: { 200: Type.Object({ cleared: Type.Integer() }) },
      handler: async ({ params, actor }) => {
        const account = await id.directory.findById(params.id);
        if (!account) throw new PalisadeError('not_found', 'user not found');
        assertTenantVisible(actor, account.tenantId, 'user');
        const cleared = await id.login.unlock(account);
        await s.audit.record({
          actor: actor.id,
          action: 'auth.unlock',
          outcome: 'success',
          tenantId: account.tenantId,
          target: `user:${account.id}`,
          remoteAddress: actor.remoteAddress,
          remotePort: actor.remotePort,
          detail: { by: 'admin', cleared },
        });
        return { cleared };
      },
    }),
    route({
      method: 'GET',
      url: '/api/v1/security/identity',
      tag: 'security',
      summary:
        "The tenant's identity settings: trusted origins, MFA rules, location check, password preset",
      permission: 'security:view',
      response: { 200: IdentitySettings },
      handler: ({ principal }) => id.settings.get(principal.tenantId),
    }),
    route({
      method: 'PATCH',
      url: '/api/v1/security/identity',
      tag: 'security',
      summary: "Change the tenant's identity settings",
      permission: 'security:change',
      body: IdentitySettingsPatch,
      response: { 200: IdentitySettings },
      handler: async ({ principal, body, actor }) => {
        const updated = await id.settings.set(principal.tenantId, body);
        await s.audit.record({
          actor: actor.id,
          action: 'security.identity-settings',
          outcome: 'success',
          tenantId: principal.tenantId,
          remoteAddress: actor.remoteAddress,
          remotePort: actor.remotePort,
          detail: { changed: Object.keys(body) },
        });
        return updated;
      },
    }),
  ];
}
