import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonValue } from '../ports/json-value.ts';
import { DEFAULT_CALL_SETTINGS, parseCallSettings, parseForwarding } from './call-settings.ts';
import { classifyNumber, mayCall } from './dial-plan.ts';

test('numbers are classified: emergency first, then the longest prefix, else internal', () => {
  const s = DEFAULT_CALL_SETTINGS;
  assert.equal(classifyNumber('112', s), 'emergency');
  assert.equal(classifyNumber('911', s), 'emergency');
  assert.equal(classifyNumber('0049301234', s), 'international');
  assert.equal(classifyNumber('+49301234', s), 'international');
  assert.equal(classifyNumber('0301234', s), 'national');
  assert.equal(classifyNumber('1001', s), 'internal');
  const custom = parseCallSettings({ emergencyNumbers: ['999'], nationalPrefixes: ['9'] });
  assert.equal(classifyNumber('999', custom), 'emergency');
  assert.equal(classifyNumber('112', custom), 'internal');
  assert.equal(classifyNumber('9123', custom), 'national');
});

test('a call class needs its permission', () => {
  const perms = new Set(['call:internal', 'call:emergency']);
  assert.equal(mayCall(perms, 'internal'), true);
  assert.equal(mayCall(perms, 'emergency'), true);
  assert.equal(mayCall(perms, 'national'), false);
  assert.equal(mayCall(perms, 'international'), false);
});

test('the settings the parser returns parse again unchanged (a lone + is a prefix)', () => {
  const again = parseCallSettings(JSON.parse(JSON.stringify(DEFAULT_CALL_SETTINGS)) as JsonValue);
  assert.deepEqual(again, DEFAULT_CALL_SETTINGS);
  assert.throws(() => parseCallSettings({ nationalPrefixes: ['++'] }), /nationalPrefixes\[0\]/);
  assert.throws(() => parseCallSettings({ emergencyNumbers: ['+'] }), /emergencyNumbers\[0\]/);
});

test('bad stored settings are refused with the field', () => {
  assert.throws(() => parseCallSettings({ noAnswerSeconds: 1 }), /noAnswerSeconds/);
  assert.throws(
    () => parseCallSettings({ emergencyNumbers: ['1; drop'] }),
    /emergencyNumbers\[0\]/,
  );
  assert.throws(
    () => parseCallSettings({ ringGroups: [{ extension: '600', members: [] }] }),
    /ringGroups\[0\]\.members/,
  );
  const g = parseCallSettings({ ringGroups: [{ extension: '600', members: ['1001', '1002'] }] });
  assert.deepEqual(g.ringGroups[0], {
    extension: '600',
    name: '600',
    strategy: 'simultaneous',
    members: ['1001', '1002'],
    ringSeconds: 20,
  });
  assert.deepEqual(parseForwarding({ doNotDisturb: true, busy: '1003' }), {
    doNotDisturb: true,
    unconditional: null,
    busy: '1003',
    noAnswer: null,
  });
  assert.throws(() => parseForwarding({ doNotDisturb: 'yes' }), /doNotDisturb/);
});
