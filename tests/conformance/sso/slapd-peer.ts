/**
 * OpenLDAP slapd for the SSO tests: a foreground process with its own
 * slapd.conf in a temp folder, on 127.0.0.1 with ldap:// (StartTLS) and
 * ldaps://, TLS from a throwaway CA, the memberof overlay, and a tree with
 * two shapes of people:
 *
 *  - ou=ad: shaped like Active Directory. slapd has no AD schema, so a
 *    small one (ad-shape.schema) adds sAMAccountName, userPrincipalName and
 *    userAccountControl with Active Directory's own OIDs on an auxiliary
 *    class; objectGUID is emulated by OpenLDAP's entryUUID (the provider's
 *    uniqueId mapping says so).
 *  - ou=people: a plain OpenLDAP tree (inetOrgPerson, uid).
 *
 * Groups are groupOfNames under ou=groups; memberOf comes from the overlay.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LDAP_PRESETS, type LdapProviderConfig } from '@palisade/security';
import { startPeer, type RunningPeer } from '../../support/process.ts';
import { freeTcpPort } from '../../support/ports.ts';
import { makeTestCa, type TestCa } from '../../support/test-ca.ts';

export const SUFFIX = 'dc=corp,dc=test';
export const ROOT_DN = `cn=admin,${SUFFIX}`;
export const ROOT_PW = 'root-secret-for-tests';
export const SVC_DN = `cn=palisade-svc,ou=service,${SUFFIX}`;
export const SVC_PW = 'svc-Secret-123';

const AD_SHAPE_SCHEMA = `
attributetype ( 1.2.840.113556.1.4.221 NAME 'sAMAccountName'
  EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch
  SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.4.656 NAME 'userPrincipalName'
  EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.4.8 NAME 'userAccountControl'
  EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
objectclass ( 1.3.6.1.4.1.32473.1.1 NAME 'palisadeAdUser' SUP top AUXILIARY
  MAY ( sAMAccountName $ userPrincipalName $ userAccountControl ) )
`;

export interface Slapd {
  readonly ldapUrl: string;
  readonly ldapsUrl: string;
  readonly ca: TestCa;
  /** A CA that did not sign the server certificate. */
  readonly otherCa: TestCa;
  readonly peer: RunningPeer;
  /** Runs an LDIF change as the root DN (ldapmodify, or ldapadd with `add`). */
  modify(ldif: string, add?: boolean): void;
  stop(): Promise<void>;
}

export function adUser(
  cn: string,
  sam: string,
  mail: string,
  password: string,
  uac = 512,
  phone = '+1 555 0100',
): string {
  return `dn: cn=${cn},ou=ad,${SUFFIX}
objectClass: inetOrgPerson
objectClass: palisadeAdUser
cn: ${cn}
sn: ${cn.split(' ').at(-1)}
displayName: ${cn}
sAMAccountName: ${sam}
userPrincipalName: ${sam}@corp.test
mail: ${mail}
telephoneNumber: ${phone}
userAccountControl: ${uac}
userPassword: ${password}
`;
}

function seed(): string {
  return [
    `dn: ${SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\no: Corp\ndc: corp\n`,
    ...['service', 'ad', 'people', 'groups'].map(
      (ou) => `dn: ou=${ou},${SUFFIX}\nobjectClass: organizationalUnit\nou: ${ou}\n`,
    ),
    `dn: ${SVC_DN}\nobjectClass: person\ncn: palisade-svc\nsn: svc\nuserPassword: ${SVC_PW}\n`,
    adUser('Alice Adams', 'alice', 'alice@corp.test', 'Alice-pw-1'),
    adUser('Bob Brown', 'bob', 'bob@corp.test', 'Bob-pw-1'),
    adUser('Carol Clark', 'carol', 'carol@corp.test', 'Carol-pw-1'),
    adUser('Dave Disabled', 'dave', 'dave@corp.test', 'Dave-pw-1', 514),
    `dn: uid=erin,ou=people,${SUFFIX}\nobjectClass: inetOrgPerson\nuid: erin\ncn: Erin Evans\nsn: Evans\nmail: erin@corp.test\nuserPassword: Erin-pw-1\n`,
    `dn: cn=Sales,ou=groups,${SUFFIX}\nobjectClass: groupOfNames\ncn: Sales\nmember: cn=Alice Adams,ou=ad,${SUFFIX}\nmember: cn=Carol Clark,ou=ad,${SUFFIX}\n`,
    `dn: cn=Engineering,ou=groups,${SUFFIX}\nobjectClass: groupOfNames\ncn: Engineering\nmember: cn=Bob Brown,ou=ad,${SUFFIX}\nmember: uid=erin,ou=people,${SUFFIX}\n`,
  ].join('\n');
}

export async function startSlapd(slapdPath: string, dir: string): Promise<Slapd> {
  const ca = makeTestCa(dir, 'ldap');
  const otherCa = makeTestCa(dir, 'other');
  const db = join(dir, 'db');
  mkdirSync(db, { recursive: true });
  writeFileSync(join(dir, 'ad-shape.schema'), AD_SHAPE_SCHEMA);
  writeFileSync(
    join(dir, 'slapd.conf'),
    `include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include ${join(dir, 'ad-shape.schema')}
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload memberof
pidfile ${join(dir, 'slapd.pid')}
argsfile ${join(dir, 'slapd.args')}
TLSCACertificateFile ${ca.caFile}
TLSCertificateFile ${ca.certFile}
TLSCertificateKeyFile ${ca.keyFile}
sizelimit 500
database mdb
maxsize 16777216
suffix "${SUFFIX}"
rootdn "${ROOT_DN}"
rootpw ${ROOT_PW}
directory ${db}
overlay memberof
access to attrs=userPassword
  by anonymous auth
  by * none
access to *
  by dn.exact="${SVC_DN}" read
  by self read
  by * none
`,
  );
  const port = await freeTcpPort();
  const tlsPort = await freeTcpPort();
  const ldapUrl = `ldap://127.0.0.1:${port}`;
  const ldapsUrl = `ldaps://127.0.0.1:${tlsPort}`;
  const peer = startPeer(
    slapdPath,
    ['-d', '256', '-f', join(dir, 'slapd.conf'), '-h', `${ldapUrl}/ ${ldapsUrl}/`],
    { maxMs: 300_000 },
  );
  await peer.waitFor(/slapd starting/, 20_000);
  const modify = (ldif: string, add = false): void => {
    execFileSync(
      add ? 'ldapadd' : 'ldapmodify',
      ['-x', '-H', ldapUrl, '-D', ROOT_DN, '-w', ROOT_PW],
      {
        input: ldif,
        stdio: ['pipe', 'ignore', 'pipe'],
        timeout: 15_000,
      },
    );
  };
  modify(seed(), true);
  return { ldapUrl, ldapsUrl, ca, otherCa, peer, modify, stop: () => peer.stop() };
}

/**
 * A directory provider's settings for the Active Directory shaped tree over
 * StartTLS with the test CA (no group mappings, accounts created at sign-in),
 * with `over` on top.
 */
export function slapdAdConfig(
  slapd: Slapd,
  over: Partial<LdapProviderConfig> = {},
): LdapProviderConfig {
  return {
    preset: 'active-directory',
    url: slapd.ldapUrl,
    startTls: true,
    caPem: slapd.ca.caPem,
    allowAnyCertificate: false,
    bindDn: SVC_DN,
    baseDn: `ou=ad,${SUFFIX}`,
    userFilter: '(objectClass=palisadeAdUser)',
    // objectGUID does not exist in slapd: entryUUID stands in for it.
    attributes: { ...LDAP_PRESETS['active-directory'].attributes, uniqueId: 'entryUUID' },
    groupSearch: null,
    groupMappings: [],
    jitCreate: true,
    allowedEmailDomains: [],
    defaultGroupId: null,
    timeoutMs: 5000,
    syncIntervalMinutes: 0,
    ...over,
  };
}
