/**
 * RFC 5424 formatting of a SecurityEvent into one SYSLOG-MSG line:
 *
 *   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [palisade@32473 seq="N" ...][detail@32473 ...] MSG
 *
 * No field of the result contains a control character, so a line can never
 * be split or forged by user input (no log injection). The MSG keeps a stable,
 * fail2ban-friendly shape with the remote address before any user-chosen text.
 */
import type { SecurityEvent, SecurityOutcome } from '@palisade/common';

/** RFC 5612 §2: 32473 is the private enterprise number reserved for documentation. */
export const PALISADE_PEN = 32473;
export const EVENT_SD_ID = `palisade@${PALISADE_PEN}`;
export const DETAIL_SD_ID = `detail@${PALISADE_PEN}`;
/** What resending inserts after `seq="N"`; its length is kept free in every line. */
export const RESENT_PARAM = ' resent="1"';

export interface FormatOptions {
  /** RFC 5424 §6.2.1 facility code (0..23). */
  readonly facility: number;
  readonly hostname: string;
  readonly appName: string;
  readonly procId: string;
  readonly maxMessageBytes: number;
}

export interface FormattedMessage {
  readonly seq: number;
  /** The SYSLOG-MSG, without framing. */
  readonly line: string;
  /** Index in `line` just after `seq="N"`, where RESENT_PARAM goes. */
  readonly split: number;
}

/** RFC 5424 §6.2.1 severities: failures and refusals are warnings (4), successes notices (5). */
const SEVERITY: Record<SecurityOutcome, number> = {
  failure: 4,
  denied: 4,
  success: 5,
  info: 6,
};

const LIMITS = {
  user: 128,
  tenant: 64,
  method: 32,
  address: 64,
  detailValue: 128,
  detailParams: 16,
};

/** `\xNN`, `\uNNNN` or `\u{N}` for a character that must not appear raw. */
function escapeChar(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\u{${code.toString(16)}}`;
}
/** Controls, format characters (bidi overrides, BOM) and line/paragraph separators. */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;
/** In MSG, anything but printable ASCII. */
const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/gu;

function clip(value: string, max: number): string {
  const wellFormed = value.toWellFormed();
  const chars = [...wellFormed];
  return chars.length <= max ? wellFormed : chars.slice(0, max).join('');
}

/**
 * RFC 5424 §6.3.3: `"`, `\` and `]` are escaped with a backslash. We also
 * escape controls and invisible format characters; other UTF-8 stays as is.
 */
export function escapeParamValue(value: string): string {
  return value.replace(/["\\\]]/g, (c) => `\\${c}`).replace(UNSAFE, escapeChar);
}

/**
 * A quoted value inside MSG: `"` and `\` escaped, and everything outside
 * printable ASCII escaped, so MSG stays plain ASCII (no BOM, no bidi tricks).
 */
export function quoteMsgValue(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`).replace(NOT_PRINTABLE_ASCII, escapeChar)}"`;
}

/** A bare token in MSG when it is one (address, method, type), otherwise quoted. */
function msgToken(value: string): string {
  return /^[A-Za-z0-9._:%@+-]+$/.test(value) ? value : quoteMsgValue(value);
}

/** HOSTNAME, APP-NAME, PROCID, MSGID: 1*n PRINTUSASCII or the NILVALUE `-` (§6.2). */
export function headerField(value: string | undefined, max: number): string {
  const cleaned = (value ?? '').replace(/[^!-~]/g, '').slice(0, max);
  return cleaned === '' ? '-' : cleaned;
}

/** SD-NAME (§6.3.3): 1*32 PRINTUSASCII except `=`, SP, `]`, `"`. */
function sdName(value: string): string {
  return value.replace(/[^!-~]|[="\]]/g, '_').slice(0, 32);
}

function validPort(port: number | undefined): port is number {
  return port !== undefined && Number.isInteger(port) && port >= 0 && port <= 65_535;
}

/** The human-readable MSG, e.g. `sip.register failure from 127.0.0.2 port 5060 user="x" method=REGISTER`. */
export function humanMessage(event: SecurityEvent): string {
  let msg = `${msgToken(clip(event.type, 64))} ${event.outcome}`;
  if (event.remoteAddress) msg += ` from ${msgToken(clip(event.remoteAddress, LIMITS.address))}`;
  if (validPort(event.remotePort)) msg += ` port ${event.remotePort}`;
  if (event.actor !== undefined) msg += ` user=${quoteMsgValue(clip(event.actor, LIMITS.user))}`;
  if (event.method) msg += ` method=${msgToken(clip(event.method, LIMITS.method))}`;
  if (event.tenantId !== undefined)
    msg += ` tenant=${quoteMsgValue(clip(event.tenantId, LIMITS.tenant))}`;
  return msg;
}

function param(name: string, value: string): string {
  return ` ${name}="${escapeParamValue(value)}"`;
}

/** The event's own SD-PARAMs; `scale` shrinks the user-supplied values when a line is too long. */
function eventParams(event: SecurityEvent, outcome: SecurityOutcome, scale: number): string {
  const cut = (value: string, max: number): string => clip(value, Math.ceil(max * scale));
  let sd = param('outcome', outcome);
  if (event.actor !== undefined) sd += param('user', cut(event.actor, LIMITS.user));
  if (event.remoteAddress) sd += param('remoteAddr', cut(event.remoteAddress, LIMITS.address));
  if (validPort(event.remotePort)) sd += param('remotePort', String(event.remotePort));
  if (event.method) sd += param('method', cut(event.method, LIMITS.method));
  if (event.tenantId !== undefined) sd += param('tenant', cut(event.tenantId, LIMITS.tenant));
  return sd;
}

/** Primitive detail fields as a second SD-ELEMENT, as many as fit in `budget` bytes. */
function detailElement(event: SecurityEvent, budget: number): string {
  if (!event.detail) return '';
  const names = new Set<string>();
  let params = '';
  for (const [key, value] of Object.entries(event.detail)) {
    if (names.size >= LIMITS.detailParams) break;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
      continue;
    const name = sdName(key);
    if (name === '' || names.has(name)) continue;
    const next = param(name, clip(String(value), LIMITS.detailValue));
    if (Buffer.byteLength(`[${DETAIL_SD_ID}${params}${next}]`) > budget) break;
    names.add(name);
    params += next;
  }
  return params === '' ? '' : `[${DETAIL_SD_ID}${params}]`;
}

/** Cuts an ASCII string to at most `maxBytes`. */
function cutAscii(text: string, maxBytes: number): string {
  return text.length <= maxBytes ? text : text.slice(0, Math.max(0, maxBytes));
}

/** TIMESTAMP (§6.2.3): UTC with milliseconds and `Z`; the NILVALUE for a clock gone wrong. */
function timestamp(ms: number): string {
  const valid = Number.isFinite(ms) && ms >= Date.UTC(0, 0, 1) && ms <= Date.UTC(9999, 11, 31);
  return valid ? new Date(ms).toISOString() : '-';
}

/** Formats one event; `timeMs` is wall-clock milliseconds since the epoch. */
export function formatSecurityEvent(
  event: SecurityEvent,
  seq: number,
  timeMs: number,
  options: FormatOptions,
): FormattedMessage {
  // The type says SecurityOutcome, but a caller's bug must not produce a broken PRI.
  const outcome = Object.hasOwn(SEVERITY, event.outcome) ? event.outcome : 'info';
  const pri = options.facility * 8 + SEVERITY[outcome];
  const header = [
    `<${pri}>1`,
    timestamp(timeMs),
    headerField(options.hostname, 255),
    headerField(options.appName, 48),
    headerField(options.procId, 128),
    headerField(event.type, 32),
  ].join(' ');
  const head = `${header} [${EVENT_SD_ID} seq="${seq}"`;
  const budget = options.maxMessageBytes - Buffer.byteLength(RESENT_PARAM);
  let sd = `${head}${eventParams(event, outcome, 1)}]`;
  if (Buffer.byteLength(sd) > budget) sd = `${head}${eventParams(event, outcome, 0.125)}]`;
  const withDetail = sd + detailElement(event, budget - Buffer.byteLength(sd));
  // MSG is printable ASCII only (user text escaped), so it needs no BOM (RFC 5424
  // §6.4 asks for one only for a Unicode MSG); the exact values are in the SD.
  const msg = cutAscii(
    humanMessage({ ...event, outcome }),
    budget - Buffer.byteLength(withDetail) - 1,
  );
  return { seq, line: `${withDetail} ${msg}`, split: head.length };
}

/** The same message marked as possibly sent before (an SD-PARAM `resent="1"`). */
export function markResent(message: FormattedMessage): string {
  return `${message.line.slice(0, message.split)}${RESENT_PARAM}${message.line.slice(message.split)}`;
}
