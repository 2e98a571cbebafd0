import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Cdr } from '../ports/cdr-repository.ts';
import { cdrsToCsv, csvCell } from './cdr-service.ts';

test('CSV cells that a spreadsheet would run as formulas get an apostrophe; quotes are doubled', () => {
  assert.equal(csvCell('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
  assert.equal(csvCell('+4930123'), "'+4930123");
  assert.equal(csvCell('-1'), "'-1");
  assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
  assert.equal(csvCell('\tx'), "'\tx");
  assert.equal(csvCell('1001'), '1001');
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell('line\nbreak'), '"line\nbreak"');
});

test('CDRs export with a header row, ISO times and empty cells for nulls', () => {
  const cdr: Cdr = {
    id: 'c1',
    tenantId: 't',
    callId: '=cmd|x',
    callerUserId: 'u1',
    callerDeviceId: 'd1',
    caller: '1001',
    callee: '+4930123',
    calleeUserId: null,
    calleeDeviceId: null,
    callClass: 'international',
    startedAt: Date.UTC(2026, 0, 1),
    answeredAt: null,
    endedAt: Date.UTC(2026, 0, 1, 0, 0, 5),
    durationSeconds: 0,
    disposition: 'failed',
    hangupCause: 'forbidden',
    causeSide: 'system',
  };
  const [head, row] = cdrsToCsv([cdr]).split('\r\n');
  assert.match(head!, /^id,callId,caller,callee,/);
  assert.equal(
    row,
    "c1,'=cmd|x,1001,'+4930123,international,u1,d1,,,2026-01-01T00:00:00.000Z,,2026-01-01T00:00:05.000Z,0,failed,forbidden,system",
  );
});
