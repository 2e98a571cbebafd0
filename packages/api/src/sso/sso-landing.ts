/**
 * Where the browser lands after an IdP sign-in, per area. An active session
 * of either area lands on the app's root, which opens the area the session
 * is for. A console sign-in that still waits for a step (second factor,
 * new-network confirmation) or failed goes to the console's login page, so
 * that an open user-app session in the same browser does not swallow it.
 */
import type { SessionKind } from '@palisade/security';

/** The login page with the console chosen (apps/web: login-page.tsx). */
export const CONSOLE_LOGIN_PATH = '/login?to=console';

/**
 * Where a re-authentication through the IdP comes back, in either area: My
 * security (apps/web: my-security-page.tsx), which finishes it with
 * `?reauth=oidc` or tells `?reauth_error=<category>`.
 */
export const REAUTH_PAGE_PATH = '/app/security';

/** The page that shows a pending step or an `sso_error` for `area`. */
export function ssoLoginPath(area: SessionKind, appPath: string): string {
  return area === 'console' ? CONSOLE_LOGIN_PATH : appPath;
}

/** `path` with `key=value` added to its query. */
export function withQueryParam(path: string, key: string, value: string): string {
  const sep = path.includes('?') ? '&' : '?';
  return `${path}${sep}${encodeURIComponent(key)}=${encodeURIComponent(value)}`;
}
