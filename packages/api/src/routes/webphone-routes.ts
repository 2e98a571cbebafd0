/**
 * The browser softphone's SIP credentials (PRODUCT §E2): minted from a web
 * session, valid for minutes, for SIP over WSS. Never for API tokens: a
 * credential belongs to a person signed in to the app.
 */
import { Type } from 'typebox';
import { PalisadeError } from '@palisade/common';
import { route, type RouteSpec } from '../http/route-kit.ts';
import type { ApiServices } from './api-services.ts';

const Ticket = Type.Object(
  {
    wsUrl: Type.String(),
    sipUri: Type.String(),
    authorizationUser: Type.String(),
    password: Type.String({ description: 'shown this once; valid until expiresAt' }),
    displayName: Type.String(),
    expiresAt: Type.Integer(),
  },
  { additionalProperties: false },
);

export function webphoneRoutes(s: ApiServices): RouteSpec[] {
  return [
    route({
      method: 'POST',
      url: '/api/v1/webphone/token',
      tag: 'webphone',
      summary: 'Short-lived SIP credentials for the web phone (SIP over WSS) of the signed-in user',
      permission: 'webphone',
      body: Type.Object({}, { additionalProperties: false }),
      response: { 200: Ticket },
      handler: async ({ principal, actor, reply }) => {
        if (principal.kind !== 'session' || !principal.web)
          throw new PalisadeError(
            'forbidden',
            'the web phone needs a signed-in user, not an API token',
          );
        if (!s.webphone) throw new PalisadeError('unavailable', 'the web phone is not available');
        const ticket = await s.webphone.issue({
          userId: principal.id,
          tenantId: principal.tenantId,
          sessionId: principal.web.session.id,
          ...(actor.remoteAddress !== undefined ? { remoteAddress: actor.remoteAddress } : {}),
        });
        await s.audit.record({
          actor: actor.id,
          action: 'webphone.token',
          outcome: 'success',
          tenantId: principal.tenantId,
          target: `user:${principal.id}`,
          remoteAddress: actor.remoteAddress,
          remotePort: actor.remotePort,
          detail: { expiresAt: ticket.expiresAt },
        });
        void reply.header('cache-control', 'no-store');
        return ticket;
      },
    }),
  ];
}
