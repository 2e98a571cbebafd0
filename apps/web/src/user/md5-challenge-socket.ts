/**
 * The SIP library's WebSocket with one change on the way in: in a 401/407
 * answer that carries several digest challenges (the server offers SHA-256
 * first, then MD5, RFC 8760), only the MD5 ones are kept, because the
 * library answers the first challenge only and computes MD5 only. The web
 * phone's password is a random 192-bit credential minted for minutes and the
 * leg is TLS, so MD5's weakness against guessing does not apply to it.
 */
import { WebSocketInterface, type Socket } from 'jssip';

const CHALLENGE = /^(www|proxy)-authenticate\s*:/i;
const MD5 = /algorithm\s*=\s*"?md5"?\s*(,|$)/i;

/** A 401/407 with only its MD5 challenges, or the message unchanged. */
export function keepMd5Challenges(message: string): string {
  if (!/^SIP\/2\.0 40[17] /.test(message)) return message;
  const end = message.indexOf('\r\n\r\n');
  if (end < 0) return message;
  const lines = message.slice(0, end).split('\r\n');
  if (!lines.some((l) => CHALLENGE.test(l) && MD5.test(l))) return message;
  const kept = lines.filter((l) => !CHALLENGE.test(l) || MD5.test(l));
  return kept.join('\r\n') + message.slice(end);
}

/** Wraps the library's WebSocket transport; everything but incoming text passes through. */
export function md5ChallengeSocket(url: string): Socket {
  const inner = new WebSocketInterface(url);
  const outer: Socket = {
    get via_transport() {
      return inner.via_transport;
    },
    set via_transport(value: string) {
      inner.via_transport = value;
    },
    get url() {
      return inner.url;
    },
    get sip_uri() {
      return inner.sip_uri;
    },
    connect: () => inner.connect(),
    disconnect: () => inner.disconnect(),
    send: (m: string | ArrayBufferLike | Blob | ArrayBufferView) => inner.send(m),
    isConnected: () => inner.isConnected(),
    isConnecting: () => inner.isConnecting(),
    onconnect: () => undefined,
    ondisconnect: (_error: boolean, _code?: number, _reason?: string) => undefined,
    ondata: <T>(_data: T) => undefined,
  };
  inner.onconnect = () => outer.onconnect();
  inner.ondisconnect = (error, code, reason) => outer.ondisconnect(error, code, reason);
  inner.ondata = <T>(data: T) => {
    outer.ondata(typeof data === 'string' ? keepMd5Challenges(data) : data);
  };
  return outer;
}
