import { Type } from 'typebox';
import { route, type RouteSpec } from '../http/route-kit.ts';
import type { ApiServices } from './api-services.ts';
import { Deleted, GroupBody, Id, IdParams, Paging } from './schemas.ts';

const Permissions = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 128 });
const NewGroup = Type.Object(
  {
    tenantId: Type.Optional(Id),
    name: Type.String({ minLength: 1, maxLength: 64 }),
    description: Type.Optional(Type.String({ maxLength: 256 })),
    isAdmin: Type.Optional(Type.Boolean()),
    permissions: Type.Optional(Permissions),
  },
  { additionalProperties: false },
);
const GroupPatch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    description: Type.Optional(Type.String({ maxLength: 256 })),
    isAdmin: Type.Optional(Type.Boolean()),
    permissions: Type.Optional(Permissions),
  },
  { additionalProperties: false, minProperties: 1 },
);
const MemberParams = Type.Object({ id: Id, userId: Id }, { additionalProperties: false });
const Membership = Type.Object({ changed: Type.Boolean() });

export function groupRoutes(s: ApiServices): RouteSpec[] {
  return [
    route({
      method: 'GET',
      url: '/api/v1/groups',
      tag: 'groups',
      summary: 'List the ACL groups of a tenant',
      permission: 'groups:view',
      query: Paging,
      response: { 200: Type.Array(GroupBody) },
      handler: ({ actor, principal, query }) => {
        const { tenantId, ...paging } = query;
        return s.groups.list(actor, tenantId ?? principal.tenantId, paging);
      },
    }),
    route({
      method: 'POST',
      url: '/api/v1/groups',
      tag: 'groups',
      summary: 'Create an ACL group (admin groups: super-admin only)',
      permission: 'groups:change',
      body: NewGroup,
      response: { 201: GroupBody },
      handler: async ({ actor, principal, body, reply }) =>
        reply.status(201).send(
          await s.groups.create(actor, {
            ...body,
            tenantId: body.tenantId ?? principal.tenantId,
          }),
        ),
    }),
    route({
      method: 'GET',
      url: '/api/v1/groups/:id',
      tag: 'groups',
      summary: 'Get an ACL group',
      permission: 'groups:view',
      params: IdParams,
      response: { 200: GroupBody },
      handler: ({ actor, params }) => s.groups.get(actor, params.id),
    }),
    route({
      method: 'PATCH',
      url: '/api/v1/groups/:id',
      tag: 'groups',
      summary: 'Change an ACL group',
      permission: 'groups:change',
      params: IdParams,
      body: GroupPatch,
      response: { 200: GroupBody },
      handler: ({ actor, params, body }) => s.groups.update(actor, params.id, body),
    }),
    route({
      method: 'DELETE',
      url: '/api/v1/groups/:id',
      tag: 'groups',
      summary: 'Delete an ACL group',
      permission: 'groups:change',
      params: IdParams,
      response: { 200: Deleted },
      handler: async ({ actor, params }) => {
        await s.groups.delete(actor, params.id);
        return { deleted: true };
      },
    }),
    route({
      method: 'GET',
      url: '/api/v1/groups/:id/members',
      tag: 'groups',
      summary: 'User ids of the members',
      permission: 'groups:view',
      params: IdParams,
      response: { 200: Type.Array(Id) },
      handler: ({ actor, params }) => s.groups.members(actor, params.id),
    }),
    route({
      method: 'PUT',
      url: '/api/v1/groups/:id/members/:userId',
      tag: 'groups',
      summary: 'Add a member',
      permission: 'groups:change',
      params: MemberParams,
      response: { 200: Membership },
      handler: async ({ actor, params }) => ({
        changed: await s.groups.setMembership(actor, params.id, params.userId, true),
      }),
    }),
    route({
      method: 'DELETE',
      url: '/api/v1/groups/:id/members/:userId',
      tag: 'groups',
      summary: 'Remove a member',
      permission: 'groups:change',
      params: MemberParams,
      response: { 200: Membership },
      handler: async ({ actor, params }) => ({
        changed: await s.groups.setMembership(actor, params.id, params.userId, false),
      }),
    }),
  ];
}
