/**
 * The 49 RFC 4475 torture messages and what we do with each. `parse` rows
 * must parse (and the check must hold); `reject` rows must fail with the
 * named SipParseError reason, and requests must leave enough to answer
 * 400/505. Application-level verdicts (416, 420, 415...) belong to the UAS
 * and registrar: here the parser only has to deliver the values they need.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import { SipParseError } from '../grammar/sip-parse-error.ts';
import type { SipParseReason } from '../grammar/sip-parse-error.ts';
import { isWildcard } from '../headers/contact-header.ts';
import type { ContactAddr } from '../headers/contact-header.ts';
import { unescapeComponent } from '../grammar/escaping.ts';
import { uriEquals } from '../uri/uri-compare.ts';
import { parseUri } from '../uri/uri-parser.ts';
import type { SipUri, Uri } from '../uri/uri-types.ts';
import { parseErrorResponse } from './message-builders.ts';
import { parseMessage } from './message-parser.ts';
import type { SipMessage, SipRequest, SipResponse } from './sip-message.ts';

const dir = new URL('../../../../tests/fixtures/rfc4475/', import.meta.url);
const load = (file: string): Buffer => readFileSync(new URL(file, dir));

type Row =
  | { file: string; rfc: string; verdict: 'parse'; note: string; check: (m: SipMessage) => void }
  | {
      file: string;
      rfc: string;
      verdict: 'reject';
      note: string;
      reason: SipParseReason;
      answer: 400 | 505 | 513 | 'drop';
    };

const req = (m: SipMessage): SipRequest => {
  assert.ok(m.isRequest);
  return m;
};
const res = (m: SipMessage): SipResponse => {
  assert.ok(!m.isRequest);
  return m;
};
const contact = (m: SipMessage, i = 0): ContactAddr => {
  const c = m.header('contact')[i];
  assert.ok(c && !isWildcard(c));
  return c;
};
const sipUriOf = (u: Uri | undefined): SipUri => {
  assert.ok(u?.kind === 'sip');
  return u;
};
const sipUser = (m: SipRequest): string | undefined =>
  m.uri.kind === 'sip' ? m.uri.user : undefined;

export const RFC4475: readonly Row[] = [
  {
    file: 'wsinv.dat',
    rfc: '3.1.1.1',
    verdict: 'parse',
    note: 'folding, LWS around separators, compact forms, escaped quotes',
    check: (m) => {
      assert.equal(req(m).method, 'INVITE');
      assert.equal(m.to.tag, '1918181833n');
      assert.equal(m.from.display, 'J Rosenberg \\"');
      assert.equal(m.from.tag, '98asjd8');
      assert.equal(m.first('max-forwards'), 68);
      assert.deepEqual(m.cseq, { seq: 9, method: 'INVITE' });
      const vias = m.header('via');
      assert.deepEqual(
        vias.map((v) => [v.transport, v.host, v.branch]),
        [
          ['UDP', '192.0.2.2', '390skdjuw'],
          ['TCP', 'spindle.example.com', 'z9hG4bK9ikj8'],
          ['UDP', '192.168.255.111', 'z9hG4bK30239'],
        ],
      );
      assert.deepEqual(m.raw('subject'), ['']);
      assert.deepEqual(m.raw('newfangledheader'), ['newfangled value continued newfangled value']);
      assert.deepEqual(m.raw('UnknownHeaderWithUnusualValue'), [';;,,;;,;']);
      const c = contact(m);
      assert.equal(c.display, 'Quoted string ""');
      assert.equal(c.q, 0.33);
      assert.equal(c.params.get('newparam'), 'newvalue');
      assert.equal(c.params.get('secondparam'), null);
      assert.equal(m.header('route')[0]?.uri.kind, 'sip');
      assert.equal(m.body.length, 150);
    },
  },
  {
    file: 'intmeth.dat',
    rfc: '3.1.1.2',
    verdict: 'parse',
    note: 'unusual method, URI, Call-ID and header characters',
    check: (m) => {
      const r = req(m);
      assert.equal(r.method, "!interesting-Method0123456789_*+`.%indeed'~");
      assert.equal(r.cseq.method, r.method);
      assert.equal(
        r.uri.kind === 'sip' && r.uri.password,
        "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)",
      );
      assert.equal(m.to.display, 'BEL:\x07 NUL:\x00 DEL:\x7f');
      assert.equal(m.from.display, "token1~` token2'+_ token3*%!.-");
      assert.equal(m.from.tag, "_token~1'+`*%!-.");
      assert.equal(m.from.params.get("fromParam''~+*_!.-%"), 'работающий');
      assert.equal(m.callId, 'intmeth.word%ZK-!.*_+\'@word`~)(><:\\/"][?}{');
      assert.equal(m.topVia.branch, "z9hG4bK-.!%66*_+`'~");
      assert.deepEqual(m.raw("extensionHeader-!.%*+_`'~"), ['\uFEFF大停電']);
    },
  },
  {
    file: 'esc01.dat',
    rfc: '3.1.1.3',
    verdict: 'parse',
    note: '% escapes compare equal to the characters',
    check: (m) => {
      assert.equal(sipUser(req(m)), 'sips%3Auser%40example.com');
      assert.ok(uriEquals(m.to.uri, parseUri('sip:user@example.com', 'test')));
      assert.equal(
        m.from.uri.kind === 'sip' && unescapeComponent(m.from.uri.user ?? ''),
        'I have spaces',
      );
      const c = contact(m);
      assert.ok(
        uriEquals(c.uri, parseUri('sip:caller@host5.example.net;lr;name=value%25%34%31', 'test')),
      );
    },
  },
  {
    file: 'escnull.dat',
    rfc: '3.1.1.4',
    verdict: 'parse',
    note: 'escaped NULs in user parts',
    check: (m) => {
      assert.equal(m.header('contact').length, 2);
      assert.equal(unescapeComponent(sipUriOf(contact(m, 1).uri).user ?? ''), '\0\0');
      assert.equal(m.first('content-length'), 0);
    },
  },
  {
    file: 'esc02.dat',
    rfc: '3.1.1.5',
    verdict: 'parse',
    note: '% in method, display name and branch is not an escape',
    check: (m) => {
      assert.equal(req(m).method, 'RE%47IST%45R');
      assert.equal(m.to.display, '%Z%45');
      assert.equal(m.topVia.branch, 'z9hG4bK209%fzsnel234');
      assert.equal(m.header('contact').length, 2, 'C%6Fntact is another header, not Contact');
      assert.deepEqual(m.raw('C%6Fntact'), ['<sip:alias2@host2.example.com>']);
    },
  },
  {
    file: 'lwsdisp.dat',
    rfc: '3.1.1.6',
    verdict: 'parse',
    note: 'no LWS between display name and <',
    check: (m) => assert.equal(m.from.display, 'caller'),
  },
  {
    file: 'longreq.dat',
    rfc: '3.1.1.7',
    verdict: 'parse',
    note: 'long values, many Via headers in every spelling',
    check: (m) => {
      assert.equal(m.header('via').length, 34);
      assert.equal(m.header('via')[33]?.received, '192.0.2.5');
      assert.equal(m.to.uri.kind === 'sip' && m.to.uri.port, 6000);
      assert.equal(m.to.uri.kind === 'sip' && m.to.uri.params.size, 3);
      assert.equal(m.body.length, 150);
    },
  },
  {
    file: 'dblreq.dat',
    rfc: '3.1.1.8',
    verdict: 'parse',
    note: 'a second request after Content-Length is ignored',
    check: (m) => {
      assert.equal(req(m).method, 'REGISTER');
      assert.equal(m.body.length, 0);
    },
  },
  {
    file: 'semiuri.dat',
    rfc: '3.1.1.9',
    verdict: 'parse',
    note: '; in the user part of the Request-URI',
    check: (m) => {
      const r = req(m);
      assert.ok(r.uri.kind === 'sip');
      assert.equal(r.uri.user, 'user;par=u%40example.net');
      assert.equal(r.uri.host, 'example.com');
      assert.equal(r.uri.params.size, 0);
    },
  },
  {
    file: 'transports.dat',
    rfc: '3.1.1.10',
    verdict: 'parse',
    note: 'unknown transports in Via',
    check: (m) =>
      assert.deepEqual(
        m.header('via').map((v) => v.transport),
        ['UDP', 'SCTP', 'TLS', 'UNKNOWN', 'TCP'],
      ),
  },
  {
    file: 'mpart01.dat',
    rfc: '3.1.1.11',
    verdict: 'parse',
    note: 'multipart body kept as bytes',
    check: (m) => {
      assert.equal(m.first('content-type')?.essence, 'multipart/mixed');
      assert.equal(m.first('content-type')?.params.get('boundary'), '7a9cbec02ceef655');
      assert.equal(m.body.length, 553);
      assert.equal(m.topVia.rport, null);
    },
  },
  {
    file: 'unreason.dat',
    rfc: '3.1.1.12',
    verdict: 'parse',
    note: 'UTF-8 reason phrase',
    check: (m) => {
      assert.equal(res(m).status, 200);
      assert.ok(res(m).reason.startsWith('= 2**3 * 5**2 но'));
    },
  },
  {
    file: 'noreason.dat',
    rfc: '3.1.1.13',
    verdict: 'parse',
    note: 'empty reason phrase',
    check: (m) => {
      assert.equal(res(m).status, 100);
      assert.equal(res(m).reason, '');
    },
  },
  {
    file: 'badinv01.dat',
    rfc: '3.1.2.1',
    verdict: 'reject',
    reason: 'bad_header',
    answer: 400,
    note: 'Via ;;,;,, has empty params',
  },
  {
    file: 'clerr.dat',
    rfc: '3.1.2.2',
    verdict: 'reject',
    reason: 'truncated_body',
    answer: 400,
    note: 'Content-Length beyond the datagram',
  },
  {
    file: 'ncl.dat',
    rfc: '3.1.2.3',
    verdict: 'reject',
    reason: 'bad_content_length',
    answer: 400,
    note: 'negative Content-Length',
  },
  {
    file: 'scalar02.dat',
    rfc: '3.1.2.4',
    verdict: 'reject',
    reason: 'bad_header',
    answer: 400,
    note: 'CSeq beyond 2**31',
  },
  {
    file: 'scalarlg.dat',
    rfc: '3.1.2.5',
    verdict: 'reject',
    reason: 'bad_header',
    answer: 'drop',
    note: 'response with overlarge CSeq is dropped',
  },
  {
    file: 'quotbal.dat',
    rfc: '3.1.2.6',
    verdict: 'reject',
    reason: 'bad_header',
    answer: 400,
    note: 'unterminated quoted string in To',
  },
  {
    file: 'ltgtruri.dat',
    rfc: '3.1.2.7',
    verdict: 'reject',
    reason: 'bad_request_uri',
    answer: 400,
    note: '<> around the Request-URI',
  },
  {
    file: 'lwsruri.dat',
    rfc: '3.1.2.8',
    verdict: 'reject',
    reason: 'bad_start_line',
    answer: 400,
    note: 'LWS inside the Request-URI',
  },
  {
    file: 'lwsstart.dat',
    rfc: '3.1.2.9',
    verdict: 'reject',
    reason: 'bad_start_line',
    answer: 400,
    note: 'several SP in the request line',
  },
  {
    file: 'trws.dat',
    rfc: '3.1.2.10',
    verdict: 'reject',
    reason: 'bad_start_line',
    answer: 400,
    note: 'trailing SP after the version',
  },
  {
    file: 'escruri.dat',
    rfc: '3.1.2.11',
    verdict: 'reject',
    reason: 'bad_request_uri',
    answer: 400,
    note: 'headers in the Request-URI',
  },
  {
    file: 'baddate.dat',
    rfc: '3.1.2.12',
    verdict: 'parse',
    note: 'bad Date zone: Date is not interpreted, so tolerated (the RFC allows processing)',
    check: (m) => assert.deepEqual(m.raw('date'), ['Fri, 01 Jan 2010 16:00:00 EST']),
  },
  {
    file: 'regbadct.dat',
    rfc: '3.1.2.13',
    verdict: 'parse',
    note: 'parses; Contact is lazily typed and refuses the bare URI with ? (registrar answers 400)',
    check: (m) =>
      assert.throws(
        () => m.header('contact'),
        (e) => e instanceof SipParseError && e.header === 'contact',
      ),
  },
  {
    file: 'badaspec.dat',
    rfc: '3.1.2.14',
    verdict: 'reject',
    reason: 'bad_header',
    answer: 400,
    note: 'whitespace inside <>',
  },
  {
    file: 'baddn.dat',
    rfc: '3.1.2.15',
    verdict: 'reject',
    reason: 'bad_header',
    answer: 400,
    note: 'unquoted display name with a comma',
  },
  {
    file: 'badvers.dat',
    rfc: '3.1.2.16',
    verdict: 'reject',
    reason: 'unsupported_version',
    answer: 505,
    note: 'SIP/7.0',
  },
  {
    file: 'mismatch01.dat',
    rfc: '3.1.2.17',
    verdict: 'reject',
    reason: 'cseq_mismatch',
    answer: 400,
    note: 'OPTIONS with CSeq INVITE',
  },
  {
    file: 'mismatch02.dat',
    rfc: '3.1.2.18',
    verdict: 'reject',
    reason: 'cseq_mismatch',
    answer: 400,
    note: 'NEWMETHOD with CSeq INVITE',
  },
  {
    file: 'bigcode.dat',
    rfc: '3.1.2.19',
    verdict: 'reject',
    reason: 'bad_start_line',
    answer: 'drop',
    note: 'status code 4294967301',
  },
  {
    file: 'badbranch.dat',
    rfc: '3.2.1',
    verdict: 'parse',
    note: 'branch is only the cookie: matched by RFC 2543 rules in the transaction layer',
    check: (m) => {
      assert.equal(m.topVia.branch, 'z9hG4bK');
      assert.equal(m.topVia.hasRfc3261Branch, false);
    },
  },
  {
    file: 'insuf.dat',
    rfc: '3.3.1',
    verdict: 'reject',
    reason: 'missing_header',
    answer: 400,
    note: 'no From, To, Call-ID, Max-Forwards',
  },
  {
    file: 'unkscm.dat',
    rfc: '3.3.2',
    verdict: 'parse',
    note: 'unknown Request-URI scheme: the UAS answers 416',
    check: (m) =>
      assert.deepEqual(req(m).uri, {
        kind: 'other',
        scheme: 'nobodyknowsthisscheme',
        raw: 'nobodyKnowsThisScheme:totallyopaquecontent',
      }),
  },
  {
    file: 'novelsc.dat',
    rfc: '3.3.3',
    verdict: 'parse',
    note: 'known non-SIP scheme: processed',
    check: (m) => assert.equal(req(m).uri.scheme, 'soap.beep'),
  },
  {
    file: 'unksm2.dat',
    rfc: '3.3.4',
    verdict: 'parse',
    note: 'unknown schemes in To, From, Contact',
    check: (m) => {
      assert.equal(m.to.uri.scheme, 'isbn');
      assert.equal(m.from.uri.scheme, 'http');
      assert.equal(contact(m).uri.scheme, 'name');
    },
  },
  {
    file: 'bext01.dat',
    rfc: '3.3.5',
    verdict: 'parse',
    note: 'unknown Require: the UAS answers 420 with Unsupported',
    check: (m) => {
      assert.deepEqual(m.header('require'), ['nothingSupportsThis', 'nothingSupportsThisEither']);
      assert.deepEqual(m.header('proxy-require'), [
        'noProxiesSupportThis',
        'norDoAnyProxiesSupportThis',
      ]);
    },
  },
  {
    file: 'invut.dat',
    rfc: '3.3.6',
    verdict: 'parse',
    note: 'unknown Content-Type: the UAS answers 415',
    check: (m) => assert.equal(m.first('content-type')?.essence, 'application/unknownformat'),
  },
  {
    file: 'regaut01.dat',
    rfc: '3.3.7',
    verdict: 'parse',
    note: 'unknown auth scheme kept as other: the registrar challenges',
    check: (m) => {
      const c = m.first('authorization');
      assert.equal(c?.kind, 'other');
      assert.equal(c.kind === 'other' && c.params.get('opaque-data'), 'here');
    },
  },
  {
    file: 'multi01.dat',
    rfc: '3.3.8',
    verdict: 'reject',
    reason: 'duplicate_header',
    answer: 400,
    note: 'repeated single-value headers',
  },
  {
    file: 'mcl01.dat',
    rfc: '3.3.9',
    verdict: 'reject',
    reason: 'duplicate_header',
    answer: 400,
    note: 'two Content-Length headers',
  },
  {
    file: 'bcast.dat',
    rfc: '3.3.10',
    verdict: 'parse',
    note: 'response; the transaction layer drops it (no matching client transaction)',
    check: (m) => assert.equal(m.header('via')[1]?.host, '255.255.255.255'),
  },
  {
    file: 'zeromf.dat',
    rfc: '3.3.11',
    verdict: 'parse',
    note: 'Max-Forwards 0: a proxy answers 483, a UAS may answer OPTIONS',
    check: (m) => assert.equal(m.first('max-forwards'), 0),
  },
  {
    file: 'cparam01.dat',
    rfc: '3.3.12',
    verdict: 'parse',
    note: 'bare Contact URI: ;unknownparam is a header parameter',
    check: (m) => {
      const c = contact(m);
      assert.ok(c.params.has('unknownparam'));
      assert.equal(c.uri.kind === 'sip' && c.uri.params.size, 0);
    },
  },
  {
    file: 'cparam02.dat',
    rfc: '3.3.13',
    verdict: 'parse',
    note: 'bracketed Contact URI: ;unknownparam is a URI parameter',
    check: (m) => {
      const c = contact(m);
      assert.equal(c.params.size, 0);
      assert.ok(c.uri.kind === 'sip' && c.uri.params.has('unknownparam'));
    },
  },
  {
    file: 'regescrt.dat',
    rfc: '3.3.14',
    verdict: 'parse',
    note: 'Contact URI with an escaped Route header: the registrar refuses it',
    check: (m) => {
      const c = contact(m);
      assert.ok(c.uri.kind === 'sip');
      assert.deepEqual(c.uri.headers, [['Route', '%3Csip:sip.example.com%3E']]);
    },
  },
  {
    file: 'sdp01.dat',
    rfc: '3.3.15',
    verdict: 'parse',
    note: 'Accept without application/sdp: the UAS answers 406',
    check: (m) => assert.deepEqual(m.raw('accept'), ['text/nobodyKnowsThis']),
  },
  {
    file: 'inv2543.dat',
    rfc: '3.4.1',
    verdict: 'parse',
    note: 'RFC 2543 style: no branch, no Max-Forwards, no Content-Length',
    check: (m) => {
      assert.equal(m.topVia.branch, undefined);
      assert.equal(m.first('max-forwards'), undefined);
      assert.equal(m.first('content-length'), undefined);
      assert.ok(m.body.toString().endsWith('RTP/AVP 0\r\n'));
      assert.equal(
        sipUriOf(m.header('record-route')[0]?.uri).params.get('maddr'),
        'ss1.example.com',
      );
    },
  },
];

test('the table covers all 49 RFC 4475 messages exactly once', () => {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.dat'))
    .sort();
  assert.equal(files.length, 49);
  assert.deepEqual([...RFC4475.map((r) => r.file)].sort(), files);
});

for (const row of RFC4475) {
  test(`RFC 4475 §${row.rfc} ${row.file}: ${row.verdict} (${row.note})`, () => {
    const bytes = load(row.file);
    if (row.verdict === 'parse') {
      const msg = parseMessage(bytes);
      row.check(msg);
      // whatever we accept we can write out and read back the same
      const again = parseMessage(msg.toBuffer());
      assert.equal(again.toBuffer().toString('latin1'), msg.toBuffer().toString('latin1'));
      return;
    }
    let error: unknown;
    try {
      parseMessage(bytes);
    } catch (err) {
      error = err;
    }
    assert.ok(error instanceof SipParseError, `expected a SipParseError, got ${String(error)}`);
    assert.equal(error.reason, row.reason);
    if (row.answer === 'drop') {
      assert.equal(parseErrorResponse(error), undefined);
      return;
    }
    assert.equal(error.status, row.answer);
    const answer = parseErrorResponse(error);
    assert.ok(answer, 'a request must leave enough to answer');
    const text = answer.toString('utf8');
    assert.ok(text.startsWith(`SIP/2.0 ${row.answer} `));
    assert.ok(text.endsWith('\r\nContent-Length: 0\r\n\r\n'));
    for (const via of error.partial?.via ?? []) assert.ok(text.includes(`\r\nVia: ${via}\r\n`));
  });
}
