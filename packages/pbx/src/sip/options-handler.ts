/**
 * OPTIONS (RFC 3261 §11): 200 with what we can do, so phones and monitoring
 * can ping the server. Allow lists the methods with a handler at the time
 * of the request.
 */
import type { RequestHandler, SipServerCore } from './sip-server-core.ts';

export function optionsHandler(core: SipServerCore): RequestHandler {
  return (incoming) =>
    incoming.respond(200, {
      headers: [
        ['Allow', core.allowed.join(', ')],
        ['Accept', 'application/sdp'],
        ['Accept-Encoding', 'identity'],
        ['Accept-Language', 'en'],
        ['Supported', core.supported.join(', ')],
      ],
    });
}
