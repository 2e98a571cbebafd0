/**
 * Web sessions → principal. The permissions come from the user's ACL groups
 * at every request (so a group change applies at once); a user-app session
 * carries only user permissions, a console session also the admin areas. A
 * disabled or deleted user's sessions end at their next request; a user
 * whose password expired may only change it (checked at every request, so
 * expiry during a session applies too).
 */
import type { FastifyRequest } from 'fastify';
import { ALL_PERMISSIONS, csrfTokenFor, isPermission, USER_PERMISSIONS } from '@palisade/security';
import type { IdentityServices } from '../routes/api-services.ts';
import type { Principal } from './route-kit.ts';
import { readSessionCookie } from './session-cookie.ts';

const userOnly = new Set<string>(USER_PERMISSIONS);

export function sessionAuthenticator(
  identity: IdentityServices,
): (request: FastifyRequest) => Promise<Principal | null> {
  return async (request) => {
    const token = readSessionCookie(request.headers.cookie);
    if (!token) return null;
    const session = await identity.sessions.authenticate(token);
    if (!session) return null;
    const account = await identity.directory.findById(session.userId);
    if (!account || !account.active) {
      await identity.sessions.revoke(session.id, 'user disabled');
      return null;
    }
    const access = await identity.directory.access(account.id);
    const granted = account.isSuperAdmin ? new Set<string>(ALL_PERMISSIONS) : access.permissions;
    const permissions = new Set(
      [...granted].filter(
        (p) => isPermission(p) && (session.kind === 'console' || userOnly.has(p)),
      ),
    );
    const restricted = session.mustEnrolMfa || access.passwordExpired;
    const effective = restricted ? new Set<string>() : permissions;
    return {
      kind: 'session',
      id: account.id,
      tenantId: account.tenantId,
      permissions: effective,
      actor: `user:${account.id}`,
      installationWide: account.isSuperAdmin && session.kind === 'console',
      isSuperAdmin: account.isSuperAdmin && session.kind === 'console',
      web: {
        session,
        csrfToken: csrfTokenFor(token),
        ...(access.passwordExpired ? { passwordExpired: true } : {}),
      },
    };
  };
}
