import { Type } from 'typebox';
import { route, type RouteSpec } from '../http/route-kit.ts';
import type { ApiServices } from './api-services.ts';
import { IdParams, TokenBody } from './schemas.ts';

const NewToken = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64 }),
    scopes: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
      minItems: 1,
      maxItems: 128,
    }),
    expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
  },
  { additionalProperties: false },
);
const IssuedToken = Type.Object(
  { token: Type.String({ description: 'shown this once' }), record: TokenBody },
  { additionalProperties: false },
);

export function tokenRoutes(s: ApiServices): RouteSpec[] {
  return [
    route({
      method: 'GET',
      url: '/api/v1/tokens',
      tag: 'tokens',
      summary: "List the tenant's API tokens",
      permission: 'tokens:view',
      response: { 200: Type.Array(TokenBody) },
      handler: ({ principal }) => s.tokens.list(principal.tenantId),
    }),
    route({
      method: 'POST',
      url: '/api/v1/tokens',
      tag: 'tokens',
      summary: 'Create an API token with scopes you hold; the response shows it once',
      permission: 'tokens:change',
      body: NewToken,
      response: { 201: IssuedToken },
      handler: async ({ actor, principal, body, reply }) => {
        const issued = await s.tokens.issue({
          tenantId: principal.tenantId,
          by: actor,
          granterPermissions: principal.permissions,
          ...body,
        });
        return reply.status(201).send(issued);
      },
    }),
    route({
      method: 'DELETE',
      url: '/api/v1/tokens/:id',
      tag: 'tokens',
      summary: 'Revoke an API token',
      permission: 'tokens:change',
      params: IdParams,
      response: { 200: TokenBody },
      handler: async ({ actor, principal, params }) => {
        return s.tokens.revoke(
          params.id,
          principal.installationWide ? null : principal.tenantId,
          actor,
        );
      },
    }),
  ];
}
