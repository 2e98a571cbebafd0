/**
 * Property tests: generated valid messages survive serialize → parse →
 * serialize unchanged; random mutations and truncations of real messages
 * never make the parser (or lazy header access) throw anything but a
 * SipParseError; a stream cut anywhere frames the same messages.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { SipParseError } from '../grammar/sip-parse-error.ts';
import { ContactAddr } from '../headers/contact-header.ts';
import { isHeaderName } from '../headers/header-registry.ts';
import { NameAddr } from '../headers/name-addr.ts';
import { Via } from '../headers/via-header.ts';
import { Params } from '../grammar/generic-params.ts';
import { sipUri } from '../uri/uri-build.ts';
import { createRequest, createResponse } from './message-builders.ts';
import { parseMessage } from './message-parser.ts';
import type { SipMessage } from './sip-message.ts';
import { SipStreamFramer } from './stream-framer.ts';
import { parseMultipart } from './multipart.ts';

const dir = new URL('../../../../tests/fixtures/rfc4475/', import.meta.url);
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.dat'))
  .map((f) => readFileSync(new URL(f, dir)));

const token = fc.stringMatching(/^[A-Za-z0-9\-.!%*_+`'~]{1,12}$/);
const host = fc.oneof(
  fc.stringMatching(/^[a-z][a-z0-9]{0,8}(\.[a-z][a-z0-9]{0,8}){0,2}$/),
  fc.ipV4(),
  fc.ipV6().map((ip) => `[${ip}]`),
);
const user = fc.stringMatching(/^[A-Za-z0-9\-_.!~*'()&=+$,;?/]{1,10}$/);
const uri = fc
  .record({
    user: fc.option(user, { nil: undefined }),
    host,
    port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
  })
  .map((p) =>
    sipUri({
      host: p.host,
      ...(p.user === undefined ? {} : { user: p.user }),
      ...(p.port === undefined ? {} : { port: p.port }),
    }),
  );
const display = fc.option(
  fc.string({ maxLength: 12 }).filter((s) => !/[\x00-\x1f\x7f]/.test(s)),
  { nil: undefined },
);
const nameAddr = fc
  .record({ display, uri, tag: token })
  .map((p) => new NameAddr(p.display, p.uri, Params.empty.with('tag', p.tag)));
const via = fc
  .record({
    transport: fc.constantFrom('UDP', 'TCP', 'TLS', 'WSS'),
    host,
    branch: token,
    rport: fc.boolean(),
  })
  .map((p) => {
    const params = Params.empty.with('branch', `z9hG4bK${p.branch}`);
    return new Via(p.transport, p.host, undefined, p.rport ? params.with('rport', null) : params);
  });
const extraHeader = fc.tuple(
  fc.stringMatching(/^X-[A-Za-z0-9-]{1,10}$/),
  fc.stringMatching(/^[!-~]([ -~]{0,30}[!-~])?$/),
);

const request = fc
  .record({
    method: fc.constantFrom('INVITE', 'REGISTER', 'OPTIONS', 'MESSAGE', 'X-NEW'),
    uri,
    from: nameAddr,
    to: nameAddr,
    callId: token,
    cseq: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    vias: fc.array(via, { minLength: 1, maxLength: 4 }),
    contact: fc.array(fc.record({ uri, q: fc.constantFrom('0', '0.5', '1') }), { maxLength: 2 }),
    headers: fc.array(extraHeader, { maxLength: 5 }),
    body: fc.uint8Array({ maxLength: 300 }),
  })
  .map((r) =>
    createRequest({
      method: r.method,
      uri: r.uri,
      from: r.from,
      to: r.to,
      callId: r.callId,
      cseq: r.cseq,
      via: r.vias,
      contact: r.contact.map((c) => new ContactAddr(undefined, c.uri, Params.empty.with('q', c.q))),
      headers: r.headers,
      ...(r.body.length > 0
        ? { body: Buffer.from(r.body), contentType: 'application/octet-stream' }
        : {}),
    }),
  );

const message: fc.Arbitrary<SipMessage> = fc.oneof(
  request,
  fc
    .tuple(request, fc.integer({ min: 100, max: 699 }))
    .map(([r, status]) => createResponse(r, status)),
);

test('serialize(parse(serialize(m))) is serialize(m) for generated messages', () => {
  fc.assert(
    fc.property(message, (m) => {
      const bytes = m.toBuffer();
      const parsed = parseMessage(bytes);
      assert.equal(parsed.toBuffer().toString('latin1'), bytes.toString('latin1'));
      assert.equal(parsed.callId, m.callId);
      assert.deepEqual(parsed.cseq, m.cseq);
      assert.equal(parsed.header('via').length, m.header('via').length);
      assert.equal(parsed.from.tag, m.from.tag);
      assert.deepEqual(parsed.body, m.body);
    }),
    { numRuns: 300 },
  );
});

const COMPACT: Readonly<Record<string, string>> = {
  via: 'v',
  from: 'f',
  to: 't',
  'call-id': 'i',
  contact: 'm',
  'content-type': 'c',
  'content-length': 'l',
};

/** Rewrites canonical bytes the many legal ways a peer may write them. */
const variant = (bytes: Buffer) =>
  fc
    .array(
      fc.record({
        compact: fc.boolean(),
        upper: fc.boolean(),
        space: fc.nat(3),
        lead: fc.nat(3),
        fold: fc.boolean(),
      }),
      {
        minLength: 64,
        maxLength: 64,
      },
    )
    .map((choices) => {
      const text = bytes.toString('utf8');
      const end = text.indexOf('\r\n\r\n');
      const [start = '', ...lines] = text.slice(0, end).split('\r\n');
      const out = lines.map((line, i) => {
        const c = choices[i % choices.length]!;
        const colon = line.indexOf(':');
        let name = line.slice(0, colon);
        let value = line.slice(colon + 2);
        name = c.compact ? (COMPACT[name.toLowerCase()] ?? name) : name;
        // unknown headers keep their spelling; known ones are respelled canonically
        if (!name.startsWith('X-')) name = c.upper ? name.toUpperCase() : name.toLowerCase();
        // fold at a lone space: a fold and the whitespace around it are one SP (RFC 3261 §7.3.1)
        const sp = value.search(/(?<=[^ \t]) (?=[^ \t])/);
        if (c.fold && sp > 0)
          value = `${value.slice(0, sp)}\r\n${' '.repeat(c.lead + 1)}${value.slice(sp + 1)}`;
        return `${name}${' '.repeat(c.space)}:${' '.repeat(c.lead)}${value}`;
      });
      return Buffer.concat([
        Buffer.from([start, ...out].join('\r\n'), 'utf8'),
        bytes.subarray(Buffer.byteLength(text.slice(0, end))),
      ]);
    });

test('compact forms, name case, LWS and line folding all parse to the same canonical bytes', () => {
  fc.assert(
    fc.property(
      message.chain((m) => fc.tuple(fc.constant(m.toBuffer()), variant(m.toBuffer()))),
      ([canonical, rewritten]) => {
        assert.equal(
          parseMessage(rewritten).toBuffer().toString('latin1'),
          canonical.toString('latin1'),
        );
      },
    ),
    { numRuns: 300 },
  );
});

/** Parses and touches every typed header; only SipParseError may escape. */
function exercise(bytes: Buffer): void {
  try {
    const m = parseMessage(bytes);
    m.toBuffer();
    const type = m.first('content-type');
    const boundary = type?.params.get('boundary');
    if (type?.type.toLowerCase() === 'multipart' && boundary) {
      try {
        parseMultipart(m.body, boundary);
      } catch (err) {
        if (!(err instanceof SipParseError)) throw err;
      }
    }
    for (const f of m.fields) {
      if (!isHeaderName(f.name)) continue;
      try {
        m.header(f.name);
      } catch (err) {
        if (!(err instanceof SipParseError)) throw err;
      }
    }
  } catch (err) {
    if (!(err instanceof SipParseError)) throw err;
  }
}

test('random byte mutations and truncations only ever raise SipParseError', () => {
  const mutation = fc.record({
    base: fc.integer({ min: 0, max: fixtures.length - 1 }),
    edits: fc.array(
      fc.record({
        at: fc.nat(),
        byte: fc.integer({ min: 0, max: 255 }),
        kind: fc.constantFrom('set', 'insert', 'delete'),
      }),
      { maxLength: 8 },
    ),
    cut: fc.option(fc.nat(), { nil: undefined }),
  });
  fc.assert(
    fc.property(mutation, ({ base, edits, cut }) => {
      const bytes = [...(fixtures[base] ?? Buffer.alloc(0))];
      for (const e of edits) {
        const at = bytes.length === 0 ? 0 : e.at % bytes.length;
        if (e.kind === 'set') bytes[at] = e.byte;
        else if (e.kind === 'insert') bytes.splice(at, 0, e.byte);
        else bytes.splice(at, 1);
      }
      const buf = Buffer.from(bytes);
      exercise(cut === undefined ? buf : buf.subarray(0, cut % (buf.length + 1)));
    }),
    { numRuns: 2000 },
  );
});

test('generated messages mutated with SIP-ish bytes only ever raise SipParseError', () => {
  const special = fc.constantFrom(
    ...' \t\r\n:;,<>"\\=@/%[]?'.split('').map((c) => c.charCodeAt(0)),
  );
  fc.assert(
    fc.property(
      message,
      fc.array(fc.tuple(fc.nat(), special), { minLength: 1, maxLength: 6 }),
      (m, edits) => {
        const bytes = Buffer.from(m.toBuffer());
        for (const [at, byte] of edits) bytes[at % bytes.length] = byte;
        exercise(bytes);
      },
    ),
    { numRuns: 1000 },
  );
});

test('a stream cut at arbitrary points frames the same messages', () => {
  fc.assert(
    fc.property(
      fc.array(message, { minLength: 1, maxLength: 4 }),
      fc.array(fc.nat(), { maxLength: 6 }),
      (msgs, cuts) => {
        const stream = Buffer.concat(msgs.flatMap((m) => [m.toBuffer(), Buffer.from('\r\n\r\n')]));
        const points = [...new Set(cuts.map((c) => c % stream.length))].sort((a, b) => a - b);
        const framer = new SipStreamFramer();
        const seen: string[] = [];
        let pings = 0;
        let last = 0;
        for (const p of [...points, stream.length]) {
          for (const e of framer.push(stream.subarray(last, p))) {
            if (e.type === 'message') seen.push(e.message.toBuffer().toString('latin1'));
            else if (e.type === 'keepalive') pings++;
            else assert.fail(e.error.message);
          }
          last = p;
        }
        assert.deepEqual(
          seen,
          msgs.map((m) => m.toBuffer().toString('latin1')),
        );
        assert.equal(pings, msgs.length);
        assert.equal(framer.buffered, 0);
      },
    ),
    { numRuns: 200 },
  );
});

test('the stream framer never throws on mutated streams cut anywhere', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: fixtures.length - 1 }), { minLength: 1, maxLength: 3 }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
      fc.array(fc.nat(), { maxLength: 5 }),
      (picks, edits, cuts) => {
        const stream = Buffer.from(Buffer.concat(picks.map((i) => fixtures[i] ?? Buffer.alloc(0))));
        for (const [at, byte] of edits) stream[at % stream.length] = byte;
        const framer = new SipStreamFramer({ limits: { maxMessageBytes: 4096 } });
        let last = 0;
        for (const p of [...cuts.map((c) => c % (stream.length + 1)), stream.length].sort(
          (a, b) => a - b,
        )) {
          for (const e of framer.push(stream.subarray(last, p))) {
            if (e.type === 'message') exercise(e.message.toBuffer());
          }
          last = p;
        }
        assert.ok(framer.buffered <= 4096 + stream.length);
      },
    ),
    { numRuns: 500 },
  );
});
