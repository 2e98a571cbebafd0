/** Security changes need a recent password (+ second factor) check, enforced here on the server. */
import { PalisadeError } from '@palisade/common';
import type { WebSession } from '@palisade/security';
import type { Principal } from '../http/route-kit.ts';
import type { IdentityServices } from './api-services.ts';

export function sessionOf(principal: Principal): WebSession {
  const s = principal.web?.session;
  if (!s) throw new PalisadeError('forbidden', 'this needs a signed-in user');
  return s;
}

export function requireFresh(identity: IdentityServices, principal: Principal): WebSession {
  const s = sessionOf(principal);
  if (!identity.sessions.isFresh(s))
    throw new PalisadeError('forbidden', 'confirm your password first (POST /api/v1/auth/reauth)', {
      details: { reason: 'reauthentication-required' },
    });
  return s;
}
