/** Writes a SessionDescription back in RFC 8866 §5 order, CRLF line endings. */
import type { SdpAttribute, SdpConnection, SdpMedia, SessionDescription } from './sdp-types.ts';

/** Session-level lines that come before c= (RFC 8866 §5: v o s i u e p c b t r z k a). */
const BEFORE_CONNECTION = new Set(['i', 'u', 'e', 'p']);

export function serializeSdp(sdp: SessionDescription): string {
  const out: string[] = [];
  const o = sdp.origin;
  out.push(`v=${sdp.version}`);
  out.push(
    `o=${o.username} ${o.sessionId} ${o.sessionVersion} ${o.netType} ${o.addrType} ${o.address}`,
  );
  out.push(`s=${sdp.sessionName}`);
  for (const l of sdp.lines) if (BEFORE_CONNECTION.has(l.type)) out.push(`${l.type}=${l.value}`);
  if (sdp.connection) out.push(connectionLine(sdp.connection));
  for (const l of sdp.lines) if (!BEFORE_CONNECTION.has(l.type)) out.push(`${l.type}=${l.value}`);
  for (const a of sdp.attributes) out.push(attributeLine(a));
  for (const m of sdp.media) writeMedia(m, out);
  return out.join('\r\n') + '\r\n';
}

function writeMedia(m: SdpMedia, out: string[]): void {
  const port = m.portCount === undefined ? `${m.port}` : `${m.port}/${m.portCount}`;
  out.push(`m=${m.type} ${port} ${m.proto} ${m.formats.join(' ')}`);
  if (m.info !== undefined) out.push(`i=${m.info}`);
  if (m.connection) out.push(connectionLine(m.connection));
  for (const l of m.lines) out.push(`${l.type}=${l.value}`);
  for (const a of m.attributes) out.push(attributeLine(a));
}

function connectionLine(c: SdpConnection): string {
  return `c=${c.netType} ${c.addrType} ${c.address}${c.suffix ?? ''}`;
}

function attributeLine(a: SdpAttribute): string {
  return a.value === undefined ? `a=${a.name}` : `a=${a.name}:${a.value}`;
}
