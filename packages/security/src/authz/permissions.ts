/**
 * Permission checks over the catalogue (PRODUCT §C9). The catalogue itself
 * (console areas, user permissions, `isPermission`) lives in
 * @palisade/catalogue, which the web app shares; it is re-exported here so
 * the server's layers keep importing it from @palisade/security.
 */
import { USER_PERMISSIONS, type Permission, type UserPermission } from '@palisade/catalogue';

export {
  ADMIN_PERMISSIONS,
  ALL_PERMISSIONS,
  CONSOLE_AREAS,
  isPermission,
  USER_PERMISSIONS,
  type AdminPermission,
  type ConsoleArea,
  type Permission,
  type UserPermission,
} from '@palisade/catalogue';

/** Permissions of the default "Users" group: internal, national and emergency calls and the collaboration tools. */
export const DEFAULT_USER_PERMISSIONS: readonly UserPermission[] = USER_PERMISSIONS.filter(
  (p) => p !== 'call:international' && p !== 'api',
);

/** Whether a holder of `granted` may do what `needed` names; `change` implies `view`. */
export function permits(granted: ReadonlySet<string>, needed: Permission): boolean {
  if (granted.has(needed)) return true;
  if (needed.endsWith(':view')) return granted.has(needed.replace(/:view$/, ':change'));
  return false;
}
