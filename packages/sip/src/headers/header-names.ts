/**
 * Header names: compact forms (RFC 3261 §7.3.3 and the IANA registry) map to
 * their full names; every name is handled lower-case inside, and written in
 * its usual spelling on the wire.
 */

const COMPACT: Readonly<Record<string, string>> = {
  a: 'accept-contact',
  b: 'referred-by',
  c: 'content-type',
  d: 'request-disposition',
  e: 'content-encoding',
  f: 'from',
  i: 'call-id',
  j: 'reject-contact',
  k: 'supported',
  l: 'content-length',
  m: 'contact',
  n: 'identity-info',
  o: 'event',
  r: 'refer-to',
  s: 'subject',
  t: 'to',
  u: 'allow-events',
  v: 'via',
  x: 'session-expires',
  y: 'identity',
};

const SPELLING: Readonly<Record<string, string>> = {
  'call-id': 'Call-ID',
  cseq: 'CSeq',
  'www-authenticate': 'WWW-Authenticate',
  rseq: 'RSeq',
  rack: 'RAck',
  'min-se': 'Min-SE',
  'mime-version': 'MIME-Version',
};

/** Names as received and their canonical form: every header line of every message asks. */
const canonical = new Map<string, string>();

/** The canonical (lower-case, full) form of a header name. */
export function canonicalHeaderName(name: string): string {
  let c = canonical.get(name);
  if (c === undefined) {
    const lower = name.toLowerCase();
    c = COMPACT[lower] ?? lower;
    // bounded: a peer can send any names it likes
    if (canonical.size < 1024) canonical.set(name, c);
  }
  return c;
}

const spelled = new Map<string, string>();

/** The usual wire spelling of a canonical name: `content-type` → `Content-Type`. */
export function wireHeaderName(canonical: string): string {
  const known = SPELLING[canonical] ?? spelled.get(canonical);
  if (known !== undefined) return known;
  const out = canonical.replace(
    /(^|-)([a-z])/g,
    (_m, dash: string, ch: string) => dash + ch.toUpperCase(),
  );
  // only a bounded set of names is ever cached (callers pass known names)
  if (spelled.size < 256) spelled.set(canonical, out);
  return out;
}
