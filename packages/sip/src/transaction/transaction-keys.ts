/**
 * Transaction matching (RFC 3261 §17.1.3, §17.2.3). Requests whose top Via
 * branch starts with the magic cookie match on branch, sent-by and method
 * (ACK matching INVITE). Older ones fall back to the RFC 2543 rules:
 * Request-URI, From tag, To tag, Call-ID, CSeq number and top Via; an ACK
 * matches by the To tag of the response it acknowledges.
 */
import type { Via } from '../headers/via-header.ts';
import type { SipRequest, SipResponse } from '../message/sip-message.ts';
import { formatUri } from '../uri/uri-format.ts';

const SEP = '\u0000';

function sentBy(via: Via): string {
  return `${via.host.toLowerCase()}:${via.port ?? ''}`;
}

/** The key of the client transaction a response belongs to (§17.1.3). */
export function clientKeyOfResponse(response: SipResponse): string | undefined {
  const branch = response.topVia.branch;
  return branch === undefined ? undefined : clientKey(branch, response.cseq.method);
}

export function clientKey(branch: string, method: string): string {
  return ['c', branch, method].join(SEP);
}

/** True when a request is matched by the RFC 3261 rules rather than RFC 2543 ones. */
export function usesRfc3261Matching(request: SipRequest): boolean {
  return request.topVia.hasRfc3261Branch;
}

/**
 * The key of the server transaction a request belongs to. `asMethod`
 * overrides the method, so CANCEL can look up the INVITE it cancels (§9.2).
 * For RFC 2543 requests the To tag is part of the key; `toTag` overrides it,
 * since an ACK carries the tag of the response rather than of the INVITE.
 */
export function serverKey(request: SipRequest, asMethod?: string, toTag?: string): string {
  const via = request.topVia;
  const method = asMethod ?? (request.method === 'ACK' ? 'INVITE' : request.method);
  // join makes a flat string: a template literal would make a rope holding
  // on to the Via text for as long as the transaction lives (32 s over UDP)
  if (via.hasRfc3261Branch) return ['s', via.branch, sentBy(via), method].join(SEP);
  return [
    's2543',
    formatUri(request.uri),
    request.from.tag ?? '',
    toTag ?? request.to.tag ?? '',
    request.callId,
    request.cseq.seq,
    sentBy(via),
    via.branch ?? '',
    method,
  ].join(SEP);
}
