/**
 * An admin sets a user's password (a new account's first one, or after a
 * forgotten one when no e-mail reset is possible). The tenant's policy
 * applies and the user's sessions end. Only a super-admin may set a
 * super-admin's password, and nobody sets their own here (that needs the
 * re-authenticated `POST /api/v1/auth/password`).
 */
import { Type } from 'typebox';
import { PalisadeError } from '@palisade/common';
import { assertTenantVisible } from '@palisade/pbx';
import { route, type RouteSpec } from '../http/route-kit.ts';
import type { ApiServices } from './api-services.ts';
import { Password } from './auth-schemas.ts';
import { IdParams } from './schemas.ts';

export function userPasswordRoutes(s: ApiServices): RouteSpec[] {
  const id = s.identity;
  return [
    route({
      method: 'POST',
      url: '/api/v1/users/:id/password',
      tag: 'users',
      summary: "Set a user's password (policy applies; the user's sessions end)",
      permission: 'users:change',
      params: IdParams,
      body: Type.Object({ password: Password }, { additionalProperties: false }),
      response: { 204: Type.Null() },
      handler: async ({ params, body, actor, reply }) => {
        const account = await id.directory.findById(params.id);
        if (!account) throw new PalisadeError('not_found', 'user not found');
        assertTenantVisible(actor, account.tenantId, 'user');
        if (actor.id === `user:${account.id}`)
          throw new PalisadeError('forbidden', 'change your own password under My security');
        if (account.isSuperAdmin && !actor.isSuperAdmin)
          throw new PalisadeError(
            'forbidden',
            "only a super-admin may set a super-admin's password",
          );
        await id.passwords.set(account, body.password);
        await s.audit.record({
          actor: actor.id,
          action: 'user.password-set',
          outcome: 'success',
          tenantId: account.tenantId,
          target: `user:${account.id}`,
          ...(actor.remoteAddress !== undefined ? { remoteAddress: actor.remoteAddress } : {}),
          ...(actor.remotePort !== undefined ? { remotePort: actor.remotePort } : {}),
          detail: { by: 'admin' },
        });
        return reply.status(204).send();
      },
    }),
  ];
}
