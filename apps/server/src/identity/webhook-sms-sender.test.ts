import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { FakeClock, isPalisadeError } from '@palisade/common';
import { createSelfSignedCertificate } from '../tls/self-signed.ts';
import { WebhookSmsSender } from './webhook-sms-sender.ts';

let server: Server;
let url: string;
let dir: string;
let caFile: string;
const got: { auth: string | undefined; body: string }[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'palisade-sms-'));
  const pem = createSelfSignedCertificate(['127.0.0.1']);
  caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, pem.certPem);
  server = createServer({ key: pem.keyPem, cert: pem.certPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ auth: req.headers.authorization, body: Buffer.concat(chunks).toString() });
      res.statusCode = req.url === '/fail' ? 502 : 202;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  url = `https://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});
after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

test('posts {to, text} with the bearer token over validated TLS, and caps messages per hour', async () => {
  const clock = new FakeClock();
  const sms = new WebhookSmsSender(
    { url: `${url}/send`, bearerToken: 'tok', maxPerHour: 2, caFile },
    clock,
  );
  await sms.send('+15550100', 'code 123456');
  assert.deepEqual(got.at(-1), {
    auth: 'Bearer tok',
    body: '{"to":"+15550100","text":"code 123456"}',
  });
  await sms.send('+15550100', 'again');
  await assert.rejects(sms.send('+15550100', 'third'), (e) => isPalisadeError(e, 'rate_limited'));
  assert.equal(got.length, 2, 'the capped message was not sent');
  clock.advance(3_600_000);
  await sms.send('+15550100', 'next hour');
});

test('an untrusted certificate, a failing provider and plain http are refused', async () => {
  const untrusted = new WebhookSmsSender(
    { url, bearerToken: null, maxPerHour: 10 },
    new FakeClock(),
  );
  await assert.rejects(untrusted.send('+1', 'x'), (e) => isPalisadeError(e, 'unavailable'));
  const failing = new WebhookSmsSender(
    { url: `${url}/fail`, bearerToken: null, maxPerHour: 10, caFile },
    new FakeClock(),
  );
  await assert.rejects(failing.send('+1', 'x'), /answered 502/);
  assert.throws(
    () =>
      new WebhookSmsSender({ url: 'http://x', bearerToken: null, maxPerHour: 1 }, new FakeClock()),
  );
});
