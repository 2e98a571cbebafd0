/**
 * The To tag of our answers to a request we challenge or refuse outside a
 * dialog (REGISTER, SUBSCRIBE): a function of the request alone (Call-ID,
 * From tag, CSeq), so the answers for an unknown user and for a wrong
 * password do not differ by a random tag (PRODUCT §A5: no enumeration).
 */
import { hash } from 'node:crypto';
import type { SipRequest } from '@palisade/sip';

export function stableToTag(request: SipRequest): string {
  // one-shot hash: a fifth of createHash's cost on the REGISTER hot path
  return hash(
    'sha256',
    `${request.callId}\n${request.from.tag ?? ''}\n${request.cseq.seq}`,
    'base64url',
  ).slice(0, 16);
}
