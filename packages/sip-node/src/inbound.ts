/**
 * What happens to every message a transport receives, whatever the
 * transport: parse errors become the answer RFC 4475 expects (400, 505 or
 * 513) when one is possible and are dropped otherwise, and the top Via of a
 * request is stamped with `received` and `rport` (RFC 3261 §18.2.1,
 * RFC 3581 §4) so the response finds its way back through NAT.
 */
import { isSipParseError, parseErrorResponse, parseMessage } from '@palisade/sip';
import type {
  Destination,
  ParseLimits,
  SipMessage,
  SipParseError,
  SipRequest,
} from '@palisade/sip';
import { bareHost } from './connection.ts';

export type Inbound =
  | { readonly kind: 'message'; readonly message: SipMessage }
  /** Unusable input; `reply` is the answer to send back, if any. */
  | { readonly kind: 'rejected'; readonly error: SipParseError; readonly reply?: Buffer };

/** RFC 3261 §18.2.1 and RFC 3581 §4. */
export function stampVia(request: SipRequest, source: Destination): SipRequest {
  const via = request.topVia;
  let stamped = via;
  if (via.rport === null) stamped = stamped.withRport(source.port).withReceived(source.host);
  else if (bareHost(via.host).toLowerCase() !== source.host.toLowerCase())
    stamped = stamped.withReceived(source.host);
  return stamped === via ? request : request.withTopVia(stamped);
}

function rejected(error: SipParseError): Inbound {
  const reply = parseErrorResponse(error);
  return reply ? { kind: 'rejected', error, reply } : { kind: 'rejected', error };
}

/**
 * Checks a message the parser (or the stream framer) produced: the headers
 * every request needs must parse, then the Via is stamped.
 */
export function admitMessage(message: SipMessage, source: Destination): Inbound {
  try {
    if (!message.isRequest) {
      void message.topVia; // a response without a readable Via is dropped
      return { kind: 'message', message };
    }
    void message.cseq;
    void message.from;
    void message.to;
    return { kind: 'message', message: stampVia(message, source) };
  } catch (err) {
    if (!isSipParseError(err)) throw err;
    if (!message.isRequest) return { kind: 'rejected', error: err };
    return rejected(
      err.withPartial({
        kind: 'request',
        method: message.method,
        via: message.raw('via'),
        from: message.raw('from'),
        to: message.raw('to'),
        callId: message.raw('call-id'),
        cseq: message.raw('cseq'),
      }),
    );
  }
}

/** A whole message from a datagram or a WebSocket frame. */
export function parseInbound(
  bytes: Buffer,
  source: Destination,
  limits: Partial<ParseLimits>,
): Inbound {
  let message: SipMessage;
  try {
    message = parseMessage(bytes, limits);
  } catch (err) {
    if (!isSipParseError(err)) throw err;
    return rejected(err);
  }
  return admitMessage(message, source);
}
