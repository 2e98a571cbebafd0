import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { isServerPath, loadWebApp, registerWebApp } from './web-app.ts';

function fixture(): string {
  const root = mkdtempSync(join(tmpdir(), 'palisade-web-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(join(root, 'assets', 'index-abc123.css'), 'body{}');
  writeFileSync(join(root, 'favicon.svg'), '<svg/>');
  return root;
}

async function app(root: string) {
  const web = loadWebApp(root);
  assert.ok(web);
  const f = Fastify();
  f.get('/api/v1/ping', async () => ({ ok: true }));
  registerWebApp(f, web);
  await f.ready();
  return f;
}

test('no build: loadWebApp answers null', () => {
  assert.equal(loadWebApp(join(tmpdir(), 'palisade-no-such-dir-' + String(process.pid))), null);
  const empty = mkdtempSync(join(tmpdir(), 'palisade-web-empty-'));
  try {
    assert.equal(loadWebApp(empty), null);
  } finally {
    rmSync(empty, { recursive: true });
  }
});

test('files are served with their MIME type; hashed assets are immutable, index.html revalidates', async () => {
  const root = fixture();
  const f = await app(root);
  try {
    const js = await f.inject('/assets/index-abc123.js');
    assert.equal(js.statusCode, 200);
    assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(js.body, 'console.log(1)');
    const css = await f.inject('/assets/index-abc123.css');
    assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
    const svg = await f.inject('/favicon.svg');
    assert.equal(svg.headers['content-type'], 'image/svg+xml');
    assert.equal(svg.headers['cache-control'], 'no-cache');
    const head = await f.inject({ method: 'HEAD', url: '/assets/index-abc123.js' });
    assert.equal(head.statusCode, 200);
  } finally {
    await f.close();
    rmSync(root, { recursive: true });
  }
});

test('client-side routes get index.html; server paths and missing assets do not', async () => {
  const root = fixture();
  const f = await app(root);
  try {
    for (const url of ['/', '/console/users', '/app/security?enrol=1', '/login']) {
      const r = await f.inject(url);
      assert.equal(r.statusCode, 200, url);
      assert.equal(r.headers['content-type'], 'text/html; charset=utf-8', url);
      assert.equal(r.headers['cache-control'], 'no-cache', url);
      assert.match(r.body, /<title>app<\/title>/);
    }
    assert.equal((await f.inject('/api/v1/ping')).statusCode, 200);
    for (const url of [
      '/api/v1/nothing',
      '/api',
      '/assets/gone.js',
      '/healthz/x',
      '/metrics',
      '/sip',
    ])
      assert.equal((await f.inject(url)).statusCode, 404, url);
    // Paths never reach the file system: traversal and encoded traversal find nothing.
    for (const url of [
      '/../package.json',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/assets/..%2f..%2findex.html',
    ]) {
      const r = await f.inject(url);
      assert.ok(!r.body.includes('"name"') && !r.body.includes('root:'), url);
    }
    assert.notEqual((await f.inject('/%E0%A4%A')).statusCode, 200);
  } finally {
    await f.close();
    rmSync(root, { recursive: true });
  }
});

test('server prefixes are recognised exactly', () => {
  assert.ok(isServerPath('/api/v1/users'));
  assert.ok(isServerPath('/setup'));
  assert.ok(isServerPath('/readyz'));
  assert.ok(!isServerPath('/apiary'));
  assert.ok(!isServerPath('/console'));
});
