/** Console routes: a tenant's identity providers, connection tests, directory sync, SSO policy. */
import { Type } from 'typebox';
import { PalisadeError } from '@palisade/common';
import { LDAP_PRESETS, type LinkedIdentity, type ProviderInput } from '@palisade/security';
import { route, type RouteSpec } from '../http/route-kit.ts';
import type { ApiServices } from '../routes/api-services.ts';
import { Deleted, Id, IdParams } from '../routes/schemas.ts';
import {
  ConnectionReportBody,
  LdapPresetsBody,
  LinkedIdentityBody,
  NewProvider,
  ProviderBody,
  ProviderParams,
  ProviderPatch,
  SyncRunBody,
} from './sso-schemas.ts';

const Policy = Type.Object(
  { breakGlassLocalAdmin: Type.Boolean() },
  { additionalProperties: false },
);
const SsoOnly = Type.Object({ ssoOnly: Type.Boolean() }, { additionalProperties: false });
const AdminLink = Type.Object(
  { providerId: Id, subject: Type.String({ minLength: 1, maxLength: 255 }) },
  { additionalProperties: false },
);
const UserIdentityParams = Type.Object({ id: Id, identityId: Id }, { additionalProperties: false });
const SyncRequest = Type.Object({ dryRun: Type.Boolean() }, { additionalProperties: false });

export function identityView(i: LinkedIdentity) {
  return {
    id: i.id,
    providerId: i.providerId,
    issuer: i.issuer,
    subject: i.subject,
    email: i.email,
    linkedAt: i.linkedAt,
    lastLoginAt: i.lastLoginAt,
  };
}

export function ssoAdminRoutes(s: ApiServices): RouteSpec[] {
  const sso = s.sso;
  return [
    route({
      method: 'GET',
      url: '/api/v1/sso/providers',
      tag: 'sso',
      summary: "List the tenant's identity providers (secrets are never shown)",
      permission: 'security:view',
      response: { 200: Type.Array(ProviderBody) },
      handler: ({ principal }) => sso.providers.list(principal.tenantId),
    }),
    route({
      method: 'GET',
      url: '/api/v1/sso/presets',
      tag: 'sso',
      summary: 'The directory presets (attribute mapping and user filter) the console pre-fills',
      permission: 'security:view',
      response: { 200: LdapPresetsBody },
      handler: () => Promise.resolve({ ldap: LDAP_PRESETS }),
    }),
    route({
      method: 'POST',
      url: '/api/v1/sso/providers',
      tag: 'sso',
      summary:
        'Add an OpenID Connect or LDAP / AD provider (presets: google, microsoft, generic; active-directory, openldap)',
      permission: 'security:change',
      body: NewProvider,
      response: { 201: ProviderBody },
      handler: async ({ principal, body, actor, reply }) => {
        const view = await sso.providers.create(
          principal.tenantId,
          {
            ...(body as ProviderInput),
            name: body.name,
            enabled: body.enabled,
            secret: body.secret ?? null,
          },
          actor.id,
          actor,
        );
        return reply.status(201).send(view);
      },
    }),
    route({
      method: 'GET',
      url: '/api/v1/sso/providers/:providerId',
      tag: 'sso',
      summary: 'One identity provider',
      permission: 'security:view',
      params: ProviderParams,
      response: { 200: ProviderBody },
      handler: async ({ principal, params }) => {
        const list = await sso.providers.list(principal.tenantId);
        const found = list.find((p) => p.id === params.providerId);
        if (!found) throw new PalisadeError('not_found', 'no such provider');
        return found;
      },
    }),
    route({
      method: 'PATCH',
      url: '/api/v1/sso/providers/:providerId',
      tag: 'sso',
      summary: 'Change a provider (a new secret replaces the old; null removes it)',
      permission: 'security:change',
      params: ProviderParams,
      body: ProviderPatch,
      response: { 200: ProviderBody },
      handler: ({ principal, params, body, actor }) =>
        sso.providers.update(
          principal.tenantId,
          params.providerId,
          body as Parameters<typeof sso.providers.update>[2],
          actor.id,
          actor,
        ),
    }),
    route({
      method: 'DELETE',
      url: '/api/v1/sso/providers/:providerId',
      tag: 'sso',
      summary: 'Remove a provider and its identity links (accounts stay)',
      permission: 'security:change',
      params: ProviderParams,
      response: { 200: Deleted },
      handler: async ({ principal, params, actor }) => {
        await sso.providers.delete(principal.tenantId, params.providerId, actor.id, actor);
        return { deleted: true };
      },
    }),
    route({
      method: 'POST',
      url: '/api/v1/sso/providers/:providerId/test',
      tag: 'sso',
      summary:
        'Test the connection: says in plain words which step failed (DNS, TCP, TLS certificate, bind, search base; or OIDC discovery, endpoints, ID token algorithm, key set)',
      permission: 'security:change',
      params: ProviderParams,
      response: { 200: ConnectionReportBody },
      handler: async ({ principal, params }) => {
        const p = await sso.providers.get(principal.tenantId, params.providerId);
        return p.kind === 'ldap'
          ? sso.ldap.testConnection(p.id, principal.tenantId)
          : sso.oidc.check(p.id);
      },
    }),
    route({
      method: 'POST',
      url: '/api/v1/sso/providers/:providerId/sync',
      tag: 'sso',
      summary: 'Sync users from an LDAP / AD provider now, or compute the report only (dryRun)',
      permission: 'security:change',
      params: ProviderParams,
      body: SyncRequest,
      response: { 200: SyncRunBody },
      handler: ({ principal, params, body, actor }) =>
        sso.ldap.sync({
          providerId: params.providerId,
          tenantId: principal.tenantId,
          dryRun: body.dryRun,
          actor: actor.id,
        }),
    }),
    route({
      method: 'GET',
      url: '/api/v1/sso/providers/:providerId/sync-runs',
      tag: 'sso',
      summary: 'Reports of the last directory syncs, newest first',
      permission: 'security:view',
      params: ProviderParams,
      response: { 200: Type.Array(SyncRunBody) },
      handler: async ({ principal, params }) => {
        const p = await sso.providers.get(principal.tenantId, params.providerId);
        return s.sso.runs.list(p.id, 20);
      },
    }),
    route({
      method: 'GET',
      url: '/api/v1/sso/policy',
      tag: 'sso',
      summary: "The tenant's SSO policy",
      permission: 'security:view',
      response: { 200: Policy },
      handler: ({ principal }) => sso.policies.tenantPolicy(principal.tenantId),
    }),
    route({
      method: 'PUT',
      url: '/api/v1/sso/policy',
      tag: 'sso',
      summary: 'Set whether "SSO only" admins keep a local break-glass login',
      permission: 'security:change',
      body: Policy,
      response: { 200: Policy },
      handler: async ({ principal, body, actor }) => {
        await sso.policies.setTenantPolicy(principal.tenantId, body);
        await s.audit.record({
          actor: actor.id,
          action: 'sso.policy-update',
          outcome: 'success',
          tenantId: principal.tenantId,
          remoteAddress: actor.remoteAddress,
          remotePort: actor.remotePort,
          detail: { ...body },
        });
        return body;
      },
    }),
    route({
      method: 'GET',
      url: '/api/v1/users/:id/identities',
      tag: 'sso',
      summary: "A user's linked sign-in identities",
      permission: 'users:view',
      params: IdParams,
      response: { 200: Type.Array(LinkedIdentityBody) },
      handler: async ({ actor, params }) => {
        const user = await s.users.get(actor, params.id);
        return (await sso.identities.listOfUser(user.id)).map(identityView);
      },
    }),
    route({
      method: 'POST',
      url: '/api/v1/users/:id/identities',
      tag: 'sso',
      summary: 'Link an identity (provider and the subject there) to a user, as an admin',
      permission: 'users:change',
      params: IdParams,
      body: AdminLink,
      response: { 201: LinkedIdentityBody },
      handler: async ({ actor, params, body, reply }) => {
        const user = await s.users.get(actor, params.id);
        const provider = await sso.providers.get(user.tenantId, body.providerId);
        const linked = await sso.identities.linkByAdmin({
          provider,
          userId: user.id,
          subject: body.subject,
          actor: actor.id,
          remote: actor,
        });
        return reply.status(201).send(identityView(linked));
      },
    }),
    route({
      method: 'DELETE',
      url: '/api/v1/users/:id/identities/:identityId',
      tag: 'sso',
      summary: "Unlink one of a user's sign-in identities, as an admin",
      permission: 'users:change',
      params: UserIdentityParams,
      response: { 200: Deleted },
      handler: async ({ actor, params }) => {
        const user = await s.users.get(actor, params.id);
        await sso.identities.unlink({
          identityId: params.identityId,
          userId: user.id,
          actor: actor.id,
          remote: actor,
        });
        return { deleted: true };
      },
    }),
    route({
      method: 'GET',
      url: '/api/v1/users/:id/sso-only',
      tag: 'sso',
      summary: 'Whether a user is "SSO only" (no local password login)',
      permission: 'users:view',
      params: IdParams,
      response: { 200: SsoOnly },
      handler: async ({ actor, params }) => {
        const user = await s.users.get(actor, params.id);
        return { ssoOnly: await sso.policies.isSsoOnly(user.id) };
      },
    }),
    route({
      method: 'PUT',
      url: '/api/v1/users/:id/sso-only',
      tag: 'sso',
      summary: 'Make a user "SSO only" (no local password login) or lift it',
      permission: 'users:change',
      params: IdParams,
      body: SsoOnly,
      response: { 200: SsoOnly },
      handler: async ({ actor, params, body }) => {
        const user = await s.users.get(actor, params.id);
        await sso.policies.setSsoOnly(user.tenantId, user.id, body.ssoOnly);
        await s.audit.record({
          actor: actor.id,
          action: 'user.sso-only',
          outcome: 'success',
          tenantId: user.tenantId,
          target: `user:${user.id}`,
          remoteAddress: actor.remoteAddress,
          remotePort: actor.remotePort,
          detail: { ...body },
        });
        return body;
      },
    }),
  ];
}
