/**
 * Stream framing for syslog over TCP and TLS.
 * RFC 5425 §4.3 (TLS) and RFC 6587 §3.4.1 (TCP): octet counting,
 * `MSG-LEN SP SYSLOG-MSG`, where MSG-LEN is the byte length of SYSLOG-MSG.
 * RFC 6587 §3.4.2: non-transparent framing, the message followed by LF; safe
 * for our lines because they never contain a control character.
 */
export type StreamFraming = 'octet-counting' | 'lf';

export function frameMessage(line: string, framing: StreamFraming): Buffer {
  const body = Buffer.from(line, 'utf8');
  if (framing === 'lf') return Buffer.concat([body, Buffer.from('\n')]);
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}
