import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeComponent, escapesValid, normalizeEscapes, unescapeComponent } from './escaping.ts';
import { Params, readParams } from './generic-params.ts';
import { Scanner, quote } from './value-scanner.ts';
import { SipParseError } from './sip-parse-error.ts';
import { splitList, trimWs } from './list-split.ts';

test('quoted strings: escapes, control characters, termination', () => {
  const s = new Scanner('"a \\"b\\" \\\\ c" rest', 'h');
  assert.equal(s.quoted(), 'a "b" \\ c');
  assert.equal(s.text.slice(s.pos), ' rest');
  assert.equal(new Scanner('"BEL:\\\x07"', 'h').quoted(), 'BEL:\x07');
  assert.equal(new Scanner('"UTF-8 é"', 'h').quoted(), 'UTF-8 é');
  for (const bad of ['"open', '"bad\r\n"', '"\\', 'x']) {
    assert.throws(() => new Scanner(bad, 'h').quoted(), SipParseError, JSON.stringify(bad));
  }
  assert.equal(quote('a "b" \\'), '"a \\"b\\" \\\\"');
});

test('generic params: LWS around separators, quoted values, flags, duplicates refused', () => {
  const s = new Scanner(' ; a = 1 ;B;c="x;y" ;d=[2001:db8::1]', 'h');
  const p = readParams(s);
  s.end();
  assert.equal(p.get('A'), '1');
  assert.equal(p.get('b'), null);
  assert.equal(p.get('c'), 'x;y');
  assert.equal(p.get('d'), '[2001:db8::1]');
  assert.equal(p.get('zz'), undefined);
  assert.equal(p.toString(), ';a=1;B;c="x;y";d=[2001:db8::1]');
  assert.throws(() => readParams(new Scanner(';a;A', 'h')), SipParseError);
  assert.throws(() => readParams(new Scanner(';=1', 'h')), SipParseError);
  assert.throws(() => readParams(new Scanner(';a=', 'h')), SipParseError);
  const q = Params.empty.with('x', 'needs quoting').with('y', 'tok').with('x', 'again');
  assert.equal(q.toString(), ';x=again;y=tok');
  assert.equal(Params.empty.with('x', 'a b').toString(), ';x="a b"');
  assert.equal(q.without('X').toString(), ';y=tok');
});

test('escaping: validity, comparison normal form, decoding, encoding', () => {
  assert.ok(escapesValid('a%20b'));
  assert.ok(!escapesValid('a%2'));
  assert.ok(!escapesValid('a%zz'));
  assert.equal(normalizeEscapes('%61lice%3b%3B'), 'alice%3B%3B');
  assert.equal(unescapeComponent('I%20have%20%E2%82%AC'), 'I have €');
  assert.equal(unescapeComponent('%00'), '\0');
  assert.equal(
    escapeComponent('a b€', (c) => c !== 0x20),
    'a%20b%E2%82%AC',
  );
});

test('list splitting and whitespace trimming', () => {
  assert.deepEqual(splitList('a,b ,\t c'), ['a', 'b', 'c']);
  assert.deepEqual(splitList('"x,\\"y", <a,b>'), ['"x,\\"y"', '<a,b>']);
  assert.equal(trimWs(' \t\u00a0x\u00a0 '), '\u00a0x\u00a0');
});
