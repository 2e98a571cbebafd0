/**
 * LDAP / Active Directory sign-in and sync against a real OpenLDAP slapd
 * over StartTLS and LDAPS with certificate validation.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isPalisadeError, systemClock } from '@palisade/common';
import {
  LDAP_PRESETS,
  LdapSsoService,
  MemoryLoginLimiter,
  ldapEquals,
  providerSecretContext,
  ssoFailureReason,
  type LdapProviderConfig,
  type SsoProvider,
} from '@palisade/security';
import { Client } from 'ldapts';
import { debianPeer } from '../../support/debian.ts';
import {
  SUFFIX,
  SVC_DN,
  SVC_PW,
  adUser,
  slapdAdConfig,
  startSlapd,
  type Slapd,
} from './slapd-peer.ts';
import { ssoFixture, type SsoFixture } from './sso-fixture.ts';

const slapdBin = debianPeer('slapd', 'slapd');
const ldapUtils = slapdBin.skip ? slapdBin : debianPeer('ldap-utils', 'ldapadd');
const skip = slapdBin.skip ?? ldapUtils.skip;

describe('LDAP / AD against OpenLDAP slapd', { skip, timeout: 180_000 }, () => {
  let slapd: Slapd;
  let f: SsoFixture;
  let service: LdapSsoService;
  let ad: SsoProvider & { kind: 'ldap' };
  let openldap: SsoProvider & { kind: 'ldap' };

  function adConfig(over: Partial<LdapProviderConfig> = {}): LdapProviderConfig {
    return slapdAdConfig(slapd, {
      groupMappings: [
        { ldapGroupDn: `cn=Sales,ou=groups,${SUFFIX}`, groupId: f.sales.id },
        {
          ldapGroupDn: `CN=Engineering,OU=groups,${SUFFIX.toUpperCase()}`,
          groupId: f.engineering.id,
        },
      ],
      defaultGroupId: f.users.id,
      ...over,
    });
  }

  async function provider(name: string, config: LdapProviderConfig, password = SVC_PW) {
    const p = await f.store.ssoProviders.create({
      tenantId: f.tenant.id,
      kind: 'ldap',
      name,
      enabled: true,
      config,
      sealedSecret: null,
    });
    const sealed = f.secretBox.seal(password, providerSecretContext(p.id));
    return (await f.store.ssoProviders.update(p.id, { sealedSecret: sealed })) as SsoProvider & {
      kind: 'ldap';
    };
  }

  async function loginFails(
    providerId: string,
    username: string,
    password: string,
  ): Promise<string | null> {
    try {
      await service.login({ providerId, username, password });
      return null;
    } catch (err) {
      return ssoFailureReason(err);
    }
  }

  function makeService(limiter: MemoryLoginLimiter): LdapSsoService {
    return new LdapSsoService({
      providers: f.store.ssoProviders,
      identities: f.store.linkedIdentities,
      accounts: f.accounts,
      syncRuns: f.store.ssoSyncRuns,
      audit: f.audit,
      clock: systemClock,
      secretBox: f.secretBox,
      logger: f.logger,
      limiter,
    });
  }

  before(async () => {
    f = await ssoFixture('ldap');
    slapd = await startSlapd(slapdBin.path!, f.dir);
    service = makeService(new MemoryLoginLimiter(systemClock));
    ad = await provider('Corp AD', adConfig());
    openldap = await provider('Corp OpenLDAP', {
      ...adConfig(),
      preset: 'openldap',
      url: slapd.ldapsUrl,
      startTls: false,
      baseDn: `ou=people,${SUFFIX}`,
      userFilter: LDAP_PRESETS.openldap.userFilter,
      attributes: { ...LDAP_PRESETS.openldap.attributes, memberOf: null },
      groupSearch: {
        baseDn: `ou=groups,${SUFFIX}`,
        objectClass: 'groupOfNames',
        memberAttribute: 'member',
      },
    });
  });

  after(async () => {
    await slapd?.stop();
    await f?.close();
  });

  test('test connection: every step passes, and each failure is named in plain words', async () => {
    const ok = await service.testConnection(ad.id);
    assert.equal(ok.ok, true, JSON.stringify(ok));
    assert.deepEqual(
      ok.checks.map((c) => c.step),
      ['dns', 'tcp', 'tls', 'bind', 'search-base'],
    );
    const ldaps = await service.testConnection(openldap.id);
    assert.equal(ldaps.ok, true, JSON.stringify(ldaps));

    const wrongCa = await service.testConfig(
      adConfig({ url: slapd.ldapsUrl, startTls: false, caPem: slapd.otherCa.caPem }),
      SVC_PW,
    );
    assert.equal(wrongCa.ok, false);
    assert.equal(wrongCa.checks.at(-1)?.step, 'tls');
    assert.match(wrongCa.checks.at(-1)!.message, /not signed by the configured CA/);

    const wrongCaStartTls = await service.testConfig(
      adConfig({ caPem: slapd.otherCa.caPem }),
      SVC_PW,
    );
    assert.equal(wrongCaStartTls.checks.at(-1)?.step, 'tls');

    const badBind = await service.testConfig(adConfig(), 'wrong-password');
    assert.equal(badBind.checks.at(-1)?.step, 'bind');
    assert.match(badBind.checks.at(-1)!.message, /DN or password is wrong/);

    const badBase = await service.testConfig(adConfig({ baseDn: `ou=nowhere,${SUFFIX}` }), SVC_PW);
    assert.equal(badBase.checks.at(-1)?.step, 'search-base');
    assert.match(badBase.checks.at(-1)!.message, /does not exist/);

    const closed = await service.testConfig(adConfig({ url: 'ldap://127.0.0.1:1' }), SVC_PW);
    assert.equal(closed.checks.at(-1)?.step, 'tcp');
    assert.match(closed.checks.at(-1)!.message, /refused/);

    const dns = await service.testConfig(
      adConfig({ url: 'ldap://no-such-host.invalid:389' }),
      SVC_PW,
    );
    assert.equal(dns.checks.at(-1)?.step, 'dns');

    const clear = await service.testConfig(adConfig({ startTls: false }), SVC_PW);
    assert.equal(clear.ok, false);
    assert.match(clear.checks.at(-1)!.message, /ldaps:\/\/, or ldap:\/\/ with StartTLS/);
  });

  test('"accept any certificate" connects to an unknown CA and warns loudly', async () => {
    const before = f.warnings.length;
    const any = adConfig({
      url: slapd.ldapsUrl,
      startTls: false,
      caPem: slapd.otherCa.caPem,
      allowAnyCertificate: true,
    });
    const p = await provider('Any cert', any);
    const report = await service.testConnection(p.id);
    assert.equal(report.ok, true, JSON.stringify(report));
    assert.match(report.checks.find((c) => c.step === 'tls')!.message, /NOT checked/);
    // The bind went through TLS; with import off the person is simply not linked here.
    await f.store.ssoProviders.update(p.id, { config: { ...any, jitCreate: false } });
    assert.equal(await loginFails(p.id, 'bob', 'Bob-pw-1'), 'not-linked');
    assert.ok(f.warnings.slice(before).some((w) => /accept any certificate" is ON/.test(w)));
    await f.store.ssoProviders.delete(p.id);
  });

  test('AD-shaped login by sAMAccountName and userPrincipalName creates a linked account with mapped groups', async () => {
    const auth = await service.login({
      providerId: ad.id,
      username: 'alice',
      password: 'Alice-pw-1',
      remote: { remoteAddress: '127.0.0.1', remotePort: 50000 },
    });
    assert.equal(auth.providerKind, 'ldap');
    assert.equal(auth.created, true);
    assert.deepEqual(auth.amr, ['pwd']);
    assert.equal(auth.mfa.result, 'not-required');
    const user = await f.store.users.findById(auth.userId);
    assert.equal(user?.username, 'alice');
    assert.equal(user?.email, 'alice@corp.test');
    assert.equal(user?.displayName, 'Alice Adams');
    const groups = (await f.store.groups.listGroupsOfUser(auth.userId)).map((g) => g.name).sort();
    assert.deepEqual(groups, ['Sales', 'Users']);
    const again = await service.login({
      providerId: ad.id,
      username: 'alice@corp.test',
      password: 'Alice-pw-1',
    });
    assert.equal(again.userId, auth.userId);
    assert.equal(again.created, false);
    const audit = await f.store.auditLog.query({ actionPrefix: 'sso.login' });
    assert.ok(
      audit.entries.some(
        (e) =>
          e.outcome === 'success' &&
          e.target === `user:${auth.userId}` &&
          e.remoteAddress === '127.0.0.1',
      ),
    );
  });

  test('wrong, empty and unauthenticated-bind passwords are refused and audited', async () => {
    assert.equal(await loginFails(ad.id, 'alice', 'wrong'), 'bad-credentials');
    assert.equal(await loginFails(ad.id, 'alice', ''), 'bad-credentials');
    assert.equal(await loginFails(ad.id, 'nobody', 'Alice-pw-1'), 'bad-credentials');
    // slapd itself accepts an RFC 4513 §5.1.2 unauthenticated bind (name, empty password):
    // this is what we refuse before any bind is made.
    const raw = new Client({ url: slapd.ldapUrl });
    await raw.bind(`cn=Alice Adams,ou=ad,${SUFFIX}`, '').then(
      () => undefined,
      () => undefined,
    );
    await raw.unbind();
    const failures = await f.store.auditLog.query({ actionPrefix: 'sso.login' });
    const reasons = failures.entries
      .filter((e) => e.outcome === 'failure')
      .map((e) => e.detail['reason']);
    assert.ok(reasons.filter((r) => r === 'bad-credentials').length >= 3);
    assert.ok(!JSON.stringify(failures.entries).includes('Alice-pw-1'));
  });

  test('password guessing is throttled per (name, address) before the directory is asked', async () => {
    const tight = makeService(
      new MemoryLoginLimiter(systemClock, {
        windowMs: 60_000,
        maxPerKey: 3,
        maxPerAddress: 10,
        maxEntries: 100,
      }),
    );
    // Import off: a right password ends in "not linked" (so nothing is created here).
    const noImport = await provider('No import', adConfig({ jitCreate: false }));
    const attempt = (password: string, remoteAddress = '198.51.100.7') =>
      tight
        .login({
          providerId: noImport.id,
          username: 'bob',
          password,
          remote: { remoteAddress, remotePort: 1 },
        })
        .then(
          () => 'ok',
          (e: unknown) => ssoFailureReason(e),
        );
    for (let i = 0; i < 3; i++) assert.equal(await attempt(`guess-${i}`), 'bad-credentials');
    // Even the right password is held now: the guesser learns nothing more.
    assert.equal(await attempt('Bob-pw-1'), 'throttled');
    // Another source is not locked out by it.
    assert.equal(await attempt('Bob-pw-1', '198.51.100.8'), 'not-linked');
    const denied = (await f.store.auditLog.query({ actionPrefix: 'sso.login' })).entries.filter(
      (e) => e.outcome === 'denied',
    );
    assert.ok(
      denied.some((e) => e.detail['reason'] === 'throttled' && e.remoteAddress === '198.51.100.7'),
    );
  });

  test('a user disabled in the directory (userAccountControl bit 2) cannot sign in', async () => {
    assert.equal(await loginFails(ad.id, 'dave', 'Dave-pw-1'), 'account-disabled');
  });

  test('a filter-injection attempt does not widen the search', async () => {
    for (const attack of [
      '*)(sAMAccountName=*',
      '*',
      'alice)(|(sAMAccountName=*',
      'alice*',
      '*)(userPrincipalName=*',
    ])
      assert.equal(await loginFails(ad.id, attack, 'Alice-pw-1'), 'bad-credentials', attack);
    // The same value unescaped would match every user; escaped it matches none.
    const raw = new Client({ url: slapd.ldapUrl });
    await raw.startTLS({ ca: slapd.ca.caPem, host: '127.0.0.1' });
    await raw.bind(SVC_DN, SVC_PW);
    try {
      const attack = '*)(sAMAccountName=*';
      const widened = await raw.search(`ou=ad,${SUFFIX}`, {
        filter: `(&(objectClass=palisadeAdUser)(sAMAccountName=${attack}))`,
      });
      assert.ok(
        widened.searchEntries.length > 1,
        'the unescaped filter would have widened the search',
      );
      const escaped = await raw.search(`ou=ad,${SUFFIX}`, {
        filter: `(&(objectClass=palisadeAdUser)${ldapEquals('sAMAccountName', attack)})`,
      });
      assert.equal(escaped.searchEntries.length, 0);
    } finally {
      await raw.unbind();
    }
  });

  test('OpenLDAP tree over LDAPS: uid login with groupOfNames group mapping', async () => {
    const auth = await service.login({
      providerId: openldap.id,
      username: 'erin',
      password: 'Erin-pw-1',
    });
    const groups = (await f.store.groups.listGroupsOfUser(auth.userId)).map((g) => g.name).sort();
    assert.deepEqual(groups, ['Engineering', 'Users']);
    assert.equal(await loginFails(openldap.id, 'erin', 'nope'), 'bad-credentials');
  });

  test('sync: dry run changes nothing; a run creates, updates and disables, never deletes', async () => {
    const countBefore = await f.store.users.count(f.tenant.id);
    const dry = await service.sync({ providerId: ad.id, dryRun: true, actor: 'user:admin' });
    assert.equal(dry.outcome, 'success');
    assert.deepEqual([...dry.report.created].sort(), ['bob', 'carol']); // alice exists, dave is disabled
    assert.equal(await f.store.users.count(f.tenant.id), countBefore);

    const run = await service.sync({ providerId: ad.id, dryRun: false, actor: 'user:admin' });
    assert.deepEqual([...run.report.created].sort(), ['bob', 'carol']);
    assert.deepEqual(run.report.disabled, []);
    assert.equal(await f.store.users.count(f.tenant.id), countBefore + 2);
    const bob = await f.store.users.findByUsername(f.tenant.id, 'bob');
    assert.deepEqual((await f.store.groups.listGroupsOfUser(bob!.id)).map((g) => g.name).sort(), [
      'Engineering',
      'Users',
    ]);

    // The directory changes: bob gets a new mail and moves to Sales,
    // carol leaves, alice is disabled, a new person arrives.
    slapd.modify(
      `dn: cn=Bob Brown,ou=ad,${SUFFIX}\nchangetype: modify\nreplace: mail\nmail: robert@corp.test\n\ndn: cn=Engineering,ou=groups,${SUFFIX}\nchangetype: modify\ndelete: member\nmember: cn=Bob Brown,ou=ad,${SUFFIX}\n\ndn: cn=Sales,ou=groups,${SUFFIX}\nchangetype: modify\nadd: member\nmember: cn=Bob Brown,ou=ad,${SUFFIX}\n\ndn: cn=Alice Adams,ou=ad,${SUFFIX}\nchangetype: modify\nreplace: userAccountControl\nuserAccountControl: 514\n\ndn: cn=Carol Clark,ou=ad,${SUFFIX}\nchangetype: delete\n`,
    );
    slapd.modify(adUser('Frank Fox', 'frank', 'frank@corp.test', 'Frank-pw-1'), true);

    const second = await service.sync({ providerId: ad.id, dryRun: false, actor: 'user:admin' });
    assert.deepEqual(second.report.created, ['frank']);
    assert.deepEqual(second.report.updated, [{ username: 'bob', changes: ['email', 'groups'] }]);
    assert.deepEqual(
      [...second.report.disabled].sort((a, b) => a.username.localeCompare(b.username)),
      [
        { username: 'alice', reason: 'disabled-in-directory' },
        { username: 'carol', reason: 'gone' },
      ],
    );
    const bob2 = await f.store.users.findById(bob!.id);
    assert.equal(bob2?.email, 'robert@corp.test');
    assert.deepEqual((await f.store.groups.listGroupsOfUser(bob!.id)).map((g) => g.name).sort(), [
      'Sales',
      'Users',
    ]);
    const carol = await f.store.users.findByUsername(f.tenant.id, 'carol');
    assert.equal(carol?.state, 'disabled', 'carol is disabled, not deleted');
    assert.equal(await loginFails(ad.id, 'alice', 'Alice-pw-1'), 'account-disabled');

    const third = await service.sync({ providerId: ad.id, dryRun: true, actor: 'user:admin' });
    assert.deepEqual(third.report.created, []);
    assert.deepEqual(third.report.updated, []);
    assert.deepEqual(third.report.disabled, []);

    const runs = await f.store.ssoSyncRuns.list(ad.id);
    assert.equal(runs.length, 4);
    const audited = await f.store.auditLog.query({ actionPrefix: 'sso.sync' });
    assert.equal(audited.entries.length, 4);
    assert.deepEqual(audited.entries[1]?.detail, {
      providerId: ad.id,
      dryRun: false,
      seen: 4,
      created: 1,
      updated: 1,
      disabled: 2,
      skipped: 0,
    });
  });

  test('a sync with a wrong service password fails with a report and an audit entry', async () => {
    const p = await provider('Broken', adConfig(), 'not-the-password');
    const run = await service.sync({ providerId: p.id, dryRun: true, actor: 'system' });
    assert.equal(run.outcome, 'failure');
    assert.ok(run.report.error);
    const audited = await f.store.auditLog.query({ actionPrefix: 'sso.sync' });
    assert.equal(audited.entries[0]?.outcome, 'failure');
    await assert.rejects(
      service.login({ providerId: p.id, username: 'bob', password: 'Bob-pw-1' }),
      (e) => isPalisadeError(e, 'unavailable'),
    );
  });
});
