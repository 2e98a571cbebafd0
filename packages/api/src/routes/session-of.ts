/** The web session of a `self` route's principal. */
import { PalisadeError } from '@palisade/common';
import type { WebSession } from '@palisade/security';
import type { Principal } from '../http/route-kit.ts';

export function sessionOf(principal: Principal): WebSession {
  const s = principal.web?.session;
  if (!s) throw new PalisadeError('forbidden', 'this needs a signed-in user');
  return s;
}
