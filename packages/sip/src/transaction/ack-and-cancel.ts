/**
 * Requests the transaction layer derives from an INVITE: the ACK for a
 * non-2xx final response (RFC 3261 §17.1.1.3) and CANCEL (§9.1).
 */
import { SipRequest } from '../message/sip-message.ts';
import type { SipResponse } from '../message/sip-message.ts';
import { textField } from '../message/header-field.ts';
import type { HeaderField } from '../message/header-field.ts';

function derive(
  invite: SipRequest,
  method: 'ACK' | 'CANCEL',
  to: readonly HeaderField[],
): SipRequest {
  const pick = (name: string): HeaderField[] => invite.fields.filter((f) => f.name === name);
  const fields: HeaderField[] = [
    textField('via', invite.topVia.toString()),
    textField('max-forwards', '70'),
    ...pick('route'),
    ...pick('from'),
    ...to,
    ...pick('call-id'),
    textField('cseq', `${invite.cseq.seq} ${method}`),
  ];
  return new SipRequest(method, invite.uri, fields);
}

/**
 * ACK for a 300–699 answer: Request-URI, Call-ID, From, CSeq number and the
 * top Via of the INVITE, To from the response, the INVITE's Route headers.
 */
export function createNon2xxAck(invite: SipRequest, response: SipResponse): SipRequest {
  return derive(
    invite,
    'ACK',
    response.fields.filter((f) => f.name === 'to'),
  );
}

/** CANCEL for a pending INVITE: same Request-URI, Call-ID, From, To, CSeq number, top Via, Route. */
export function createCancel(invite: SipRequest): SipRequest {
  return derive(
    invite,
    'CANCEL',
    invite.fields.filter((f) => f.name === 'to'),
  );
}
