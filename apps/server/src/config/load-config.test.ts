import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from './load-config.ts';
import { renderConfigReference } from './reference.ts';

const empty = (): string => mkdtempSync(join(tmpdir(), 'palisade-config-'));

test('with no file and no environment, every default applies', () => {
  const { config, file } = loadConfig({ env: {}, cwd: empty() });
  assert.equal(file, null);
  assert.equal(config.data.dir, './data');
  assert.equal(config.http.port, 8443);
  assert.equal(config.sip.udpPort, 5060);
  assert.equal(config.sip.tlsPort, 5061);
  assert.equal(config.media.rtpPortMin, 20000);
  assert.equal(config.database.url, null);
});

test('file, then environment, then flags override each other in that order', () => {
  const dir = empty();
  writeFileSync(
    join(dir, 'palisade.yaml'),
    'http:\n  port: 9443\n  bind: ["127.0.0.1", "::1"]\nsip:\n  udpPort: 5070\n',
  );
  const { config, file } = loadConfig({
    cwd: dir,
    env: {
      PALISADE_SIP_UDP_PORT: '5080',
      PALISADE_HTTP_TRUSTED_DOMAINS: 'https://a.example, https://b.example:8443',
    },
    flags: { 'data.dir': '/srv/palisade' },
  });
  assert.equal(file, join(dir, 'palisade.yaml'));
  assert.equal(config.http.port, 9443);
  assert.deepEqual(config.http.bind, ['127.0.0.1', '::1']);
  assert.equal(config.sip.udpPort, 5080);
  assert.deepEqual(config.http.trustedDomains, ['https://a.example', 'https://b.example:8443']);
  assert.equal(config.data.dir, '/srv/palisade');
});

test('every bad value is reported with its setting, source and reason', () => {
  const dir = empty();
  writeFileSync(
    join(dir, 'palisade.yaml'),
    'http:\n  prot: 1\n  port: 70000\nsipp: {}\nmedia:\n  engine: asterisk\n',
  );
  try {
    loadConfig({ cwd: dir, env: { PALISADE_SIP_TCP_PORT: 'five' } });
    assert.fail('should refuse');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    const byKey = new Map(err.problems.map((p) => [p.key, p]));
    assert.match(byKey.get('http.prot')?.message ?? '', /not a setting \(did you mean port\?\)/);
    assert.match(byKey.get('http.port')?.message ?? '', /between 0 and 65535/);
    assert.match(byKey.get('sipp')?.message ?? '', /not a section \(did you mean sip\?\)/);
    assert.match(byKey.get('media.engine')?.message ?? '', /one of: builtin, rtpengine/);
    assert.equal(byKey.get('sip.tcpPort')?.source, 'PALISADE_SIP_TCP_PORT');
    assert.match(err.message, /http\.port/);
  }
});

test('settings that contradict each other are refused', () => {
  assert.throws(
    () =>
      loadConfig({
        cwd: empty(),
        env: { PALISADE_MEDIA_RTP_PORT_MIN: '30000', PALISADE_MEDIA_RTP_PORT_MAX: '20000' },
      }),
    (err: unknown) =>
      err instanceof ConfigError && err.problems.some((p) => p.key === 'media.rtpPortMin'),
  );
  assert.throws(
    () => loadConfig({ cwd: empty(), env: { PALISADE_TLS_CERT_FILE: '/x.crt' } }),
    (err: unknown) =>
      err instanceof ConfigError && err.problems.some((p) => p.key === 'tls.keyFile'),
  );
  assert.throws(
    () =>
      loadConfig({
        cwd: empty(),
        env: { PALISADE_HTTP_TRUSTED_DOMAINS: 'https://a.example/path' },
      }),
    (err: unknown) => err instanceof ConfigError && /origin only/.test(err.message),
  );
});

test('broken YAML and a missing explicit file are clear errors', () => {
  const dir = empty();
  writeFileSync(join(dir, 'palisade.yaml'), 'http: [unclosed');
  assert.throws(() => loadConfig({ cwd: dir, env: {} }), /not valid YAML/);
  assert.throws(() => loadConfig({ file: join(dir, 'nope.yaml'), env: {} }), /does not exist/);
});

test('the reference lists every setting with its environment variable', () => {
  const ref = renderConfigReference();
  assert.match(ref, /`http\.trustedDomains` \| `PALISADE_HTTP_TRUSTED_DOMAINS`/);
  assert.match(ref, /`data\.dir` \| `PALISADE_DATA_DIR`/);
});

test('docs/configuration.md is the current generated reference', async () => {
  const { readFileSync } = await import('node:fs');
  const onDisk = readFileSync(
    new URL('../../../../docs/configuration.md', import.meta.url),
    'utf8',
  );
  assert.equal(
    onDisk.trimEnd(),
    renderConfigReference().trimEnd(),
    'run: node apps/server/src/bin/palisade.ts config reference > docs/configuration.md',
  );
});

test('subscription bounds: presence defaults, and a minimum above the maximum is refused', () => {
  const { config } = loadConfig({ env: {}, cwd: empty() });
  assert.deepEqual(config.presence, {
    minExpires: 60,
    maxExpires: 3600,
    maxPerDevice: 200,
    maxPerSource: 1000,
    maxSubscriptions: 20000,
  });
  assert.throws(
    () =>
      loadConfig({
        cwd: empty(),
        env: { PALISADE_PRESENCE_MIN_EXPIRES: '600', PALISADE_PRESENCE_MAX_EXPIRES: '300' },
      }),
    (err: unknown) =>
      err instanceof ConfigError &&
      err.problems.some(
        (p) => p.key === 'presence.minExpires' && /presence\.maxExpires/.test(p.message),
      ),
  );
});
