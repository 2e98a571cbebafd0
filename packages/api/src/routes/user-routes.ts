import { Type } from 'typebox';
import { userView } from '@palisade/pbx';
import { route, type RouteSpec } from '../http/route-kit.ts';
import type { ApiServices } from './api-services.ts';
import { Deleted, Id, IdParams, Paging, UserBody } from './schemas.ts';

const Nullable = (max: number) =>
  Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: max })]));
const NewUser = Type.Object(
  {
    tenantId: Type.Optional(Id),
    username: Type.String({ minLength: 1, maxLength: 64 }),
    extension: Type.String({ minLength: 1, maxLength: 15 }),
    displayName: Type.String({ minLength: 1, maxLength: 128 }),
    email: Nullable(254),
    mobile: Nullable(21),
  },
  { additionalProperties: false },
);
const UserPatch = Type.Object(
  {
    username: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    extension: Type.Optional(Type.String({ minLength: 1, maxLength: 15 })),
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    email: Nullable(254),
    mobile: Nullable(21),
    state: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('disabled')])),
  },
  { additionalProperties: false, minProperties: 1 },
);

export function userRoutes(s: ApiServices): RouteSpec[] {
  return [
    route({
      method: 'GET',
      url: '/api/v1/users',
      tag: 'users',
      summary: 'List the users of a tenant',
      permission: 'users:view',
      query: Paging,
      response: { 200: Type.Array(UserBody) },
      handler: async ({ actor, principal, query }) => {
        const { tenantId, ...paging } = query;
        const users = await s.users.list(actor, tenantId ?? principal.tenantId, paging);
        return users.map(userView);
      },
    }),
    route({
      method: 'POST',
      url: '/api/v1/users',
      tag: 'users',
      summary: 'Create a user (joins the Users group)',
      permission: 'users:change',
      body: NewUser,
      response: { 201: UserBody },
      handler: async ({ actor, principal, body, reply }) => {
        const user = await s.users.create(actor, {
          ...body,
          tenantId: body.tenantId ?? principal.tenantId,
        });
        return reply.status(201).send(userView(user));
      },
    }),
    route({
      method: 'GET',
      url: '/api/v1/users/:id',
      tag: 'users',
      summary: 'Get a user',
      permission: 'users:view',
      params: IdParams,
      response: { 200: UserBody },
      handler: async ({ actor, params }) => userView(await s.users.get(actor, params.id)),
    }),
    route({
      method: 'PATCH',
      url: '/api/v1/users/:id',
      tag: 'users',
      summary: 'Change a user (disable with state=disabled)',
      permission: 'users:change',
      freshAuth: true,
      params: IdParams,
      body: UserPatch,
      response: { 200: UserBody },
      handler: async ({ actor, params, body }) => {
        const user = await s.users.update(actor, params.id, body);
        // identity: a disabled user's sessions end now, not only at their next request.
        if (user.state === 'disabled')
          await s.identity.sessions.revokeAllOfUser(user.id, 'user disabled');
        return userView(user);
      },
    }),
    route({
      method: 'DELETE',
      url: '/api/v1/users/:id',
      tag: 'users',
      summary: 'Delete a user with their devices',
      permission: 'users:change',
      params: IdParams,
      response: { 200: Deleted },
      handler: async ({ actor, params }) => {
        await s.users.delete(actor, params.id);
        return { deleted: true };
      },
    }),
  ];
}
