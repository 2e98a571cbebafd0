/** Attribute mappings for the two directory families admins connect. */
import type { LdapAttributeMap, LdapPreset } from '../sso-provider.ts';

export interface LdapPresetDefaults {
  readonly attributes: LdapAttributeMap;
  readonly userFilter: string;
}

export const LDAP_PRESETS: Readonly<Record<LdapPreset, LdapPresetDefaults>> = {
  'active-directory': {
    attributes: {
      username: 'sAMAccountName',
      alternateLogin: 'userPrincipalName',
      email: 'mail',
      displayName: 'displayName',
      phone: 'telephoneNumber',
      memberOf: 'memberOf',
      uniqueId: 'objectGUID',
      accountControl: 'userAccountControl',
    },
    userFilter: '(&(objectCategory=person)(objectClass=user))',
  },
  openldap: {
    attributes: {
      username: 'uid',
      alternateLogin: null,
      email: 'mail',
      displayName: 'cn',
      phone: 'telephoneNumber',
      memberOf: 'memberOf',
      uniqueId: 'entryUUID',
      accountControl: null,
    },
    userFilter: '(objectClass=inetOrgPerson)',
  },
};

/** userAccountControl ACCOUNTDISABLE bit (MS-ADTS §2.2.16). */
export const UAC_ACCOUNT_DISABLED = 0x2;
