/**
 * The session port wired to the web login (issue 5): an SSO sign-in becomes
 * a session through the same stages as a password login, of the area the
 * sign-in was started for (`authenticated.area`: the user app, or the
 * console with its own rules: admins only, SameSite=Strict cookie, console
 * timeouts). A browser coming back from the IdP gets the session cookie and
 * a redirect into the app when the session is active; when it still waits
 * for a second factor or a new-network confirmation, the login page gets the
 * pending login token in the URL fragment (never sent to a server, never in
 * a Referer).
 */
import type { IdentityServices } from '../routes/api-services.ts';
import { sessionAuthenticator } from '../http/session-authenticator.ts';
import { sendOutcome } from '../routes/auth-responses.ts';
import { sessionCookie } from '../http/session-cookie.ts';
import { ssoLoginPath } from './sso-landing.ts';
import type { SsoSessionPort } from './sso-session-port.ts';

export function identitySsoSessionPort(
  identity: IdentityServices,
  options: { readonly appPath: string; readonly now: () => number },
): SsoSessionPort {
  const authenticate = sessionAuthenticator(identity);
  return {
    async completeSsoLogin(req) {
      const a = req.authenticated;
      const outcome = await identity.login.completeSsoLogin({
        tenantId: a.tenantId,
        userId: a.userId,
        kind: a.area,
        method: a.providerKind,
        providerId: a.providerId,
        idpMfaEvidence: a.idpMfaEvidence,
        remote: {
          remoteAddress: req.remoteAddress,
          remotePort: req.remotePort,
          userAgent: req.userAgent,
        },
      });
      if (req.respondWith === 'json') return sendOutcome(req.reply, outcome, options.now());
      void req.reply.header('cache-control', 'no-store');
      if (outcome.status === 'active') {
        const s = outcome.issued.session;
        void req.reply.header('set-cookie', [
          ...([] as string[]).concat(
            (req.reply.getHeader('set-cookie') as string | string[] | undefined) ?? [],
          ),
          sessionCookie(outcome.issued.token, s.kind, (s.expiresAt - options.now()) / 1000),
        ]);
        return req.reply.redirect(options.appPath, 303);
      }
      const fragment = new URLSearchParams({
        sso: outcome.stage,
        loginToken: outcome.issued.token,
        methods: outcome.methods.join(','),
      });
      return req.reply.redirect(
        `${ssoLoginPath(a.area, options.appPath)}#${fragment.toString()}`,
        303,
      );
    },
    async currentSession(request) {
      const principal = await authenticate(request);
      const session = principal?.kind === 'session' ? principal.web?.session : undefined;
      return session ? { userId: session.userId, sessionId: session.id } : null;
    },
  };
}
