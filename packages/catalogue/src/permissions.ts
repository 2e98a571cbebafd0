/**
 * The permission catalogue (PRODUCT §C9). Admin permissions are console areas,
 * each with `view` and `change` (change implies view); user permissions are
 * what a member may use. ACL groups hold a list of these strings; API tokens
 * carry a subset of their creator's as scopes.
 *
 * The server (through @palisade/security) and the web app's ACL editor both
 * read this one list, so it stays free of imports: it is bundled for the
 * browser as it is.
 */

export const CONSOLE_AREAS = [
  'tenants',
  'users',
  'devices',
  'groups',
  'tokens',
  'audit',
  'registrations',
  'calls',
  'cdr',
  'dialplan',
  'trunks',
  'security',
  'intrusion',
  'certificates',
  'backups',
  'retention',
  'syslog',
  'monitoring',
  'system',
] as const;
export type ConsoleArea = (typeof CONSOLE_AREAS)[number];
export type AdminPermission = `${ConsoleArea}:view` | `${ConsoleArea}:change`;

export const USER_PERMISSIONS = [
  'call:internal',
  'call:national',
  'call:international',
  'call:emergency',
  'chat',
  'phonebook:edit',
  'recording',
  'conferences',
  'voicemail',
  'files',
  'webphone',
  'api',
  // see colleagues' presence and busy lamps: SUBSCRIBE dialog/presence, the colleagues list
  'presence',
] as const;
export type UserPermission = (typeof USER_PERMISSIONS)[number];

export type Permission = AdminPermission | UserPermission;

export const ADMIN_PERMISSIONS: readonly AdminPermission[] = CONSOLE_AREAS.flatMap((a) => [
  `${a}:view` as const,
  `${a}:change` as const,
]);
export const ALL_PERMISSIONS: readonly Permission[] = [...ADMIN_PERMISSIONS, ...USER_PERMISSIONS];

const known = new Set<string>(ALL_PERMISSIONS);
export function isPermission(value: string): value is Permission {
  return known.has(value);
}
