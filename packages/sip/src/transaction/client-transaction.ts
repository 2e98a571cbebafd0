/** What client transactions share: their user, and synthesised answers for failures. */
import { createResponse } from '../message/message-builders.ts';
import type { SipRequest, SipResponse } from '../message/sip-message.ts';

/**
 * Where a response came from: the network, or the transaction itself
 * standing in for one — a timeout is handed up as 408 and a transport
 * failure as 503 (RFC 3261 §8.1.3.1).
 */
export type ResponseOrigin = 'network' | 'timeout' | 'transport_error';

export interface ClientTransactionUser {
  response(response: SipResponse, origin: ResponseOrigin): void;
  /** Called once when the transaction is over (optional). */
  terminated?(): void;
}

export function localResponse(request: SipRequest, status: 408 | 503): SipResponse {
  return createResponse(request, status);
}
