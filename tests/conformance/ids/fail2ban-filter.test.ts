/**
 * The intrusion events in the stable syslog line (docs/syslog.md) are read
 * by the shipped fail2ban filter: `ids.ban denied from <address>` and
 * `ids.scanner failure from <address>` match with the right host, alerts
 * (outcome info) do not, and a hostile user name cannot point it elsewhere.
 * Checked with the real `fail2ban-regex`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { SecurityEvent } from '@palisade/common';
import { humanMessage } from '@palisade/syslog';
import { debianPeer } from '../../support/debian.ts';

const regex = debianPeer('fail2ban', 'fail2ban-regex');
const FILTER = new URL('../../../packages/syslog/fail2ban/palisade.conf', import.meta.url).pathname;

test(
  'fail2ban-regex finds the banned and scanning addresses, and only those',
  { skip: regex.skip },
  () => {
    const events: SecurityEvent[] = [
      {
        type: 'ids.ban',
        outcome: 'denied',
        remoteAddress: '127.0.0.2',
        detail: { rule: 'sip-flood' },
      },
      {
        type: 'ids.scanner',
        outcome: 'failure',
        remoteAddress: '2001:db8::7',
        detail: { service: 'sip', username: 'x" from 6.6.6.6' },
      },
      {
        type: 'ids.alert',
        outcome: 'info',
        remoteAddress: '10.0.0.9',
        detail: { rule: 'sip-flood' },
      },
    ];
    const dir = mkdtempSync(join(tmpdir(), 'palisade-f2b-'));
    try {
      const log = join(dir, 'auth.log');
      const lines = events.map(
        (e, i) => `Nov 26 17:33:1${i} pbx1 palisade[4242] ${humanMessage(e)}`,
      );
      writeFileSync(log, lines.join('\n') + '\n');
      // the filter includes common.conf from its own folder, as in /etc/fail2ban/filter.d
      const filter = join(dir, 'palisade.conf');
      copyFileSync(FILTER, filter);
      symlinkSync('/etc/fail2ban/filter.d/common.conf', join(dir, 'common.conf'));
      const r = spawnSync(regex.path!, ['-v', log, filter], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /Lines: 3 lines, 0 ignored, 2 matched, 1 missed/, r.stdout);
      assert.match(r.stdout, /127\.0\.0\.2/);
      assert.match(r.stdout, /2001:db8::7/);
      assert.doesNotMatch(
        r.stdout.split('Missed line')[0] ?? '',
        /6\.6\.6\.6.*matched|\b10\.0\.0\.9\b.*\| /,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
