/**
 * First-run setup over the API: the single-use token from the setup link
 * authenticates the one request that creates the super-admin.
 */
import { Type } from 'typebox';
import { route, type RouteSpec } from '../http/route-kit.ts';
import type { ApiServices } from './api-services.ts';
import { UserBody } from './schemas.ts';

export const SetupRequest = Type.Object(
  {
    token: Type.String({ minLength: 20, maxLength: 128, pattern: '^[A-Za-z0-9_-]+$' }),
    username: Type.String({ minLength: 1, maxLength: 64 }),
    displayName: Type.String({ minLength: 1, maxLength: 128 }),
    extension: Type.String({ minLength: 1, maxLength: 15 }),
    email: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 254 })])),
    password: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);

export function setupRoutes(s: ApiServices): RouteSpec[] {
  return [
    route({
      method: 'POST',
      url: '/api/v1/setup',
      tag: 'setup',
      summary: 'Create the super-admin with the single-use setup token',
      permission: 'public',
      body: SetupRequest,
      response: { 201: UserBody },
      handler: async ({ body, reply, remoteAddress, remotePort }) => {
        const user = await s.setup.complete(s.defaultTenantId, {
          ...body,
          remoteAddress,
          remotePort,
        });
        const { passwordHash: _h, ...view } = user;
        return reply.status(201).send(view);
      },
    }),
  ];
}
