/**
 * Cross-site request refusal for every state-changing route (PRODUCT §C4):
 *
 * 1. `Origin: null` is refused.
 * 2. An Origin header must match a trusted origin exactly: the public URL,
 *    the configured `http.trustedDomains`, or (for an authenticated caller)
 *    its tenant's trusted-origins list, which admins edit.
 * 3. `Sec-Fetch-Site: cross-site` is refused unless rule 2 accepted the
 *    request's Origin (a listed integration is by nature cross-site).
 * 4. A web-session request must carry its CSRF token in `X-CSRF-Token`
 *    (synchronizer token derived from the session token). Bearer-token
 *    clients are exempt: browsers never attach bearer tokens by themselves.
 */
import type { FastifyRequest } from 'fastify';
import { PalisadeError } from '@palisade/common';
import type { Principal, RequestGuard } from './route-kit.ts';

export const CSRF_HEADER = 'x-csrf-token';

export interface OriginPolicy {
  /** Exactly trusted for `tenantId` (null: installation-wide origins only). */
  isTrusted(origin: string, tenantId: string | null): Promise<boolean>;
}

export interface CsrfCheck {
  (principal: Principal, presented: string | undefined): boolean;
}

const refuse = (why: string): PalisadeError =>
  new PalisadeError('forbidden', `cross-site request refused: ${why}`, {
    details: { reason: 'cross-site' },
  });

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function crossSiteGuard(origins: OriginPolicy, checkCsrf: CsrfCheck): RequestGuard {
  return async (request: FastifyRequest, principal: Principal) => {
    const origin = single(request.headers.origin);
    const site = single(request.headers['sec-fetch-site']);
    let originTrusted = false;
    if (origin !== undefined) {
      if (origin === 'null') throw refuse('opaque origin');
      if (origin.length > 512) throw refuse('foreign origin');
      const tenantId = principal.kind === 'anonymous' ? null : principal.tenantId;
      originTrusted = await origins.isTrusted(origin, tenantId);
      if (!originTrusted) throw refuse('foreign origin');
    }
    if (site === 'cross-site' && !originTrusted) throw refuse('Sec-Fetch-Site is cross-site');
    if (principal.kind === 'session') {
      const presented = single(request.headers[CSRF_HEADER]);
      if (!checkCsrf(principal, presented))
        throw new PalisadeError('forbidden', 'missing or wrong CSRF token', {
          details: { reason: 'csrf' },
        });
    }
  };
}

/** Public URL + configured origins + the tenant's own list, compared exactly. */
export function originPolicy(
  installationWide: () => readonly string[],
  tenantOrigins: (tenantId: string) => Promise<readonly string[]>,
): OriginPolicy {
  return {
    async isTrusted(origin, tenantId) {
      const o = origin.toLowerCase();
      if (installationWide().some((g) => g.replace(/\/$/, '').toLowerCase() === o)) return true;
      if (tenantId === null) return false;
      return (await tenantOrigins(tenantId)).some((t) => t.toLowerCase() === o);
    },
  };
}
