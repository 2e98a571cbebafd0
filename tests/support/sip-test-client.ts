/**
 * A minimal SIP client for tests: builds REGISTER requests and answers
 * digest challenges (SHA-256 or MD5, qop=auth) the way a phone would. The
 * wire is the caller's (WebSocket, UDP, TCP); this only makes and reads text.
 */
import { randomBytes } from 'node:crypto';
import { computeDigestResponse, computeHa1, type DigestAlgorithm } from '@palisade/security';
import { parseMessage, type SipResponse } from '@palisade/sip';

export interface RegisterInit {
  readonly user: string;
  readonly domain: string;
  readonly transport: string;
  readonly viaHost: string;
  readonly contact: string;
  readonly callId: string;
  readonly cseq: number;
  readonly expires?: number;
  readonly authorization?: string;
  readonly extraHeaders?: readonly string[];
}

export function registerText(r: RegisterInit): string {
  return [
    `REGISTER sip:${r.domain} SIP/2.0`,
    `Via: SIP/2.0/${r.transport} ${r.viaHost};branch=z9hG4bK${randomBytes(8).toString('hex')};rport`,
    'Max-Forwards: 70',
    `From: <sip:${r.user}@${r.domain}>;tag=${randomBytes(4).toString('hex')}`,
    `To: <sip:${r.user}@${r.domain}>`,
    `Call-ID: ${r.callId}`,
    `CSeq: ${r.cseq} REGISTER`,
    `Contact: ${r.contact}`,
    `Expires: ${r.expires ?? 600}`,
    ...(r.authorization ? [`Authorization: ${r.authorization}`] : []),
    'User-Agent: palisade-test-client',
    ...(r.extraHeaders ?? []),
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/** The (Proxy-)Authorization value answering the challenge of `algorithm` in a 401 or 407. */
export function answerChallenge(
  challenge: SipResponse,
  opts: {
    user: string;
    password: string;
    uri: string;
    algorithm: DigestAlgorithm;
    nc?: number;
    /** The request method answered; default REGISTER. */
    method?: string;
  },
): string {
  const c = challenge
    .header(challenge.status === 407 ? 'proxy-authenticate' : 'www-authenticate')
    .find((h) => h.kind === 'digest' && (h.algorithm ?? 'MD5').toUpperCase() === opts.algorithm);
  if (!c || c.kind !== 'digest') throw new Error(`no ${opts.algorithm} challenge`);
  const nc = (opts.nc ?? 1).toString(16).padStart(8, '0');
  const cnonce = randomBytes(8).toString('hex');
  const response = computeDigestResponse({
    algorithm: opts.algorithm,
    ha1: computeHa1(opts.algorithm, opts.user, c.realm, opts.password),
    nonce: c.nonce,
    method: opts.method ?? 'REGISTER',
    uri: opts.uri,
    qop: { nc, cnonce },
  });
  return `Digest username="${opts.user}", realm="${c.realm}", nonce="${c.nonce}", uri="${opts.uri}", response="${response}", algorithm=${opts.algorithm}, qop=auth, nc=${nc}, cnonce="${cnonce}"${c.opaque === undefined ? '' : `, opaque="${c.opaque}"`}`;
}

export function parseResponse(data: Buffer | string): SipResponse {
  const m = parseMessage(Buffer.isBuffer(data) ? data : Buffer.from(data));
  if (m.isRequest) throw new Error(`expected a response, got ${m.method}`);
  return m;
}
