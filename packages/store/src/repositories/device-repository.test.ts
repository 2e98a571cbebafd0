import assert from 'node:assert/strict';
import { palisadeError } from '../testing/assertions.ts';
import { contract, executeRaw } from '../testing/contract-harness.ts';
import { makeDevice, makeTenant, makeUser, md5Hex, sha256Hex } from '../testing/fixtures.ts';

contract('devices', (it) => {
  it('creates and finds by id, tenant + SIP username and SIP domain + username', async ({
    store,
    clock,
  }) => {
    const t = await makeTenant(store);
    const u = await makeUser(store, t.id, 1);
    const d = await makeDevice(store, u, 'Alice-Desk');
    assert.deepEqual(d, {
      id: d.id,
      tenantId: t.id,
      userId: u.id,
      sipUsername: 'Alice-Desk',
      label: 'desk phone',
      ha1Md5: md5Hex('Alice-Desk'),
      ha1Sha256: sha256Hex('Alice-Desk'),
      createdAt: clock.now(),
      secretRotatedAt: clock.now(),
    });
    assert.deepEqual(await store.devices.findById(d.id), d);
    assert.deepEqual(await store.devices.findBySipUsername(t.id, 'Alice-Desk'), d);
    assert.deepEqual(
      await store.devices.findBySipDomainAndUsername(t.sipDomain.toUpperCase(), 'Alice-Desk'),
      d,
    );
    // SIP usernames are compared exactly (RFC 3261 §19.1.4: the user part is case-sensitive).
    assert.equal(await store.devices.findBySipUsername(t.id, 'alice-desk'), null);
    assert.equal(
      await store.devices.findBySipDomainAndUsername('other.example', 'Alice-Desk'),
      null,
    );
  });

  it('keeps SIP usernames unique per tenant only', async ({ store }) => {
    const t = await makeTenant(store);
    const u1 = await makeUser(store, t.id, 1);
    const u2 = await makeUser(store, t.id, 2);
    await makeDevice(store, u1, '1001');
    await assert.rejects(makeDevice(store, u2, '1001'), palisadeError('conflict', 'sipUsername'));
    const other = await makeTenant(store, 'other');
    const o1 = await makeUser(store, other.id, 1);
    const twin = await makeDevice(store, o1, '1001');
    assert.equal(
      (await store.devices.findBySipDomainAndUsername(other.sipDomain, '1001'))?.id,
      twin.id,
    );
  });

  it('refuses a user of another tenant and malformed HA1 values', async ({ store }) => {
    const t = await makeTenant(store);
    const other = await makeTenant(store, 'other');
    const stranger = await makeUser(store, other.id, 1);
    const input = {
      tenantId: t.id,
      userId: stranger.id,
      sipUsername: 'x',
      label: '',
      ha1Md5: md5Hex('x'),
      ha1Sha256: sha256Hex('x'),
    };
    await assert.rejects(store.devices.create(input), palisadeError('not_found', 'userId'));
    const u = await makeUser(store, t.id, 1);
    for (const bad of [
      { ha1Md5: md5Hex('x').toUpperCase() },
      { ha1Md5: md5Hex('x').slice(1) },
      { ha1Sha256: md5Hex('x') },
      { ha1Sha256: `${sha256Hex('x').slice(1)}g` },
    ]) {
      await assert.rejects(
        store.devices.create({ ...input, userId: u.id, ...bad }),
        palisadeError('validation_failed'),
      );
    }
    assert.deepEqual(await store.devices.listByTenant(t.id), []);
  });

  it('lists by user and tenant, relabels, rotates the secret and deletes', async ({
    store,
    clock,
  }) => {
    const t = await makeTenant(store);
    const u1 = await makeUser(store, t.id, 1);
    const u2 = await makeUser(store, t.id, 2);
    const b = await makeDevice(store, u1, 'b');
    const a = await makeDevice(store, u1, 'a');
    const c = await makeDevice(store, u2, 'c');
    assert.deepEqual(
      (await store.devices.listByUser(u1.id)).map((d) => d.id),
      [a.id, b.id],
    );
    assert.deepEqual(
      (await store.devices.listByTenant(t.id)).map((d) => d.id),
      [a.id, b.id, c.id],
    );
    assert.equal((await store.devices.updateLabel(a.id, 'softphone')).label, 'softphone');
    clock.advance(60_000);
    const rotated = await store.devices.rotateSecret(a.id, md5Hex('new'), sha256Hex('new'));
    assert.equal(rotated.ha1Md5, md5Hex('new'));
    assert.equal(rotated.ha1Sha256, sha256Hex('new'));
    assert.equal(rotated.secretRotatedAt, a.createdAt + 60_000);
    assert.equal(rotated.createdAt, a.createdAt);
    assert.deepEqual(await store.devices.findById(a.id), rotated);
    await assert.rejects(
      store.devices.rotateSecret(
        '00000000-0000-0000-0000-000000000000',
        md5Hex('n'),
        sha256Hex('n'),
      ),
      palisadeError('not_found'),
    );
    assert.equal(await store.devices.delete(a.id), true);
    assert.equal(await store.devices.delete(a.id), false);
  });

  it('the REGISTER lookup is served by unique indexes', async ({ config, dialect }) => {
    // Unique indexes as column lists in index order, per table.
    const uniqueIndexes = async (table: string): Promise<string[]> => {
      if (dialect === 'sqlite') {
        const list = await executeRaw(config, `pragma index_list('${table}')`);
        const out: string[] = [];
        for (const index of list.filter((i) => i['unique'] === 1)) {
          const cols = await executeRaw(config, `pragma index_info('${String(index['name'])}')`);
          out.push(cols.map((c) => String(c['name'])).join(','));
        }
        return out;
      }
      const rows = await executeRaw(
        config,
        `select string_agg(a.attname, ',' order by k.ord) as cols
           from pg_index i
           join pg_class t on t.oid = i.indrelid
           cross join lateral unnest(i.indkey) with ordinality as k(attnum, ord)
           join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum
          where t.relname = '${table}' and i.indisunique
            and t.relnamespace = current_schema()::regnamespace
          group by i.indexrelid`,
      );
      return rows.map((r) => String(r['cols']));
    };
    assert.ok((await uniqueIndexes('tenants')).includes('sip_domain'));
    assert.ok((await uniqueIndexes('devices')).includes('tenant_id,sip_username'));
  });
});
