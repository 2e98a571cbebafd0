import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock, nullLogger } from '@palisade/common';
import { AttemptLog } from '@palisade/security';
import type { Ban, MailMessage } from '@palisade/security';
import { BanMailer } from './ban-mailer.ts';

const DAY = 24 * 60 * 60 * 1000;

function ban(address: string, at: number): Ban {
  return {
    address,
    rule: 'sip-auth-user',
    origin: 'detector',
    offence: 1,
    reason: 'sip-auth-user: more than 9 in 600000 ms',
    createdBy: 'ids',
    createdAt: at,
    expiresAt: at + 600_000,
    liftedAt: null,
  };
}

test('ban alerts: the first at once, later ones gathered into one per interval; a daily summary', async () => {
  const clock = new FakeClock();
  const sent: MailMessage[] = [];
  const attempts = new AttemptLog();
  attempts.record(
    '192.0.2.9',
    { source: '192.0.2.9', service: 'sip', kind: 'auth-failure', user: '1001' },
    clock.now(),
  );
  const mailer = new BanMailer(
    { send: (m) => (sent.push(m), Promise.resolve()) },
    attempts,
    clock,
    nullLogger,
    { to: 'ops@example.test', intervalMs: 15 * 60_000, host: 'pbx1' },
  );
  mailer.startDaily();
  mailer.banned(ban('192.0.2.9', clock.now()));
  assert.equal(sent.length, 1);
  assert.equal(sent[0]?.subject, '[Palisade pbx1] banned 192.0.2.9');
  mailer.banned(ban('192.0.2.10', clock.now()));
  mailer.banned(ban('192.0.2.11', clock.now()));
  assert.equal(sent.length, 1, 'rate-limited');
  clock.advance(15 * 60_000);
  assert.equal(sent.length, 2);
  assert.equal(sent[1]?.subject, '[Palisade pbx1] 2 new bans');
  assert.match(sent[1]?.text ?? '', /192\.0\.2\.10[\s\S]*192\.0\.2\.11/);
  clock.advance(DAY);
  const summary = sent.at(-1);
  assert.equal(summary?.subject, '[Palisade pbx1] daily intrusion summary');
  assert.match(summary?.text ?? '', /New bans: 3/);
  assert.match(summary?.text ?? '', /192\.0\.2\.9 {2}1 attempts/);
  assert.equal(summary?.to, 'ops@example.test');
  mailer.close();
});
