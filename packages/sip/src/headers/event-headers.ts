/**
 * Headers of the event, refer and session-timer extensions: Event and
 * Subscription-State (RFC 6665 §8.2), Replaces (RFC 3891 §6.1),
 * Session-Expires and Min-SE (RFC 4028 §4–5), Retry-After (RFC 3261 §20.33).
 */
import type { Params } from '../grammar/generic-params.ts';
import { readParams } from '../grammar/generic-params.ts';
import { Scanner } from '../grammar/value-scanner.ts';
import { readNumber } from './scalar-headers.ts';

export interface EventHeader {
  /** event-type, e.g. `presence`, `dialog`, `refer`, `message-summary`. */
  readonly event: string;
  readonly id: string | undefined;
  readonly params: Params;
}

export interface SubscriptionState {
  /** `active`, `pending`, `terminated` or an extension value. */
  readonly state: string;
  readonly reason: string | undefined;
  readonly expires: number | undefined;
  readonly retryAfter: number | undefined;
  readonly params: Params;
}

export interface Replaces {
  readonly callId: string;
  readonly toTag: string | undefined;
  readonly fromTag: string | undefined;
  readonly earlyOnly: boolean;
  readonly params: Params;
}

export interface SessionExpires {
  readonly seconds: number;
  readonly refresher: 'uac' | 'uas' | undefined;
  readonly params: Params;
}

export interface RetryAfter {
  readonly seconds: number;
  readonly comment: string | undefined;
  readonly duration: number | undefined;
  readonly params: Params;
}

const MAX = 2 ** 32 - 1;

function numericParam(s: Scanner, params: Params, name: string): number | undefined {
  const v = params.get(name);
  if (v === undefined) return undefined;
  if (v === null || !/^\d{1,10}$/.test(v) || Number(v) > MAX) s.fail(`bad ${name}`);
  return Number(v);
}

export function parseEvent(value: string): EventHeader {
  const s = new Scanner(value, 'event');
  s.skipWs();
  const event = s.expectToken('event type');
  const params = readParams(s);
  s.end();
  return { event, id: params.get('id') ?? undefined, params };
}

export function parseSubscriptionState(value: string): SubscriptionState {
  const s = new Scanner(value, 'subscription-state');
  s.skipWs();
  const state = s.expectToken('substate').toLowerCase();
  const params = readParams(s);
  s.end();
  return {
    state,
    reason: params.get('reason') ?? undefined,
    expires: numericParam(s, params, 'expires'),
    retryAfter: numericParam(s, params, 'retry-after'),
    params,
  };
}

export function parseReplaces(value: string): Replaces {
  const s = new Scanner(value, 'replaces');
  s.skipWs();
  const callId = s.run((c) => c !== 0x3b && c !== 0x20 && c !== 0x09);
  if (callId.length === 0) s.fail('expected a Call-ID');
  const params = readParams(s);
  s.end();
  return {
    callId,
    toTag: params.get('to-tag') ?? undefined,
    fromTag: params.get('from-tag') ?? undefined,
    earlyOnly: params.has('early-only'),
    params,
  };
}

function parseDelta(
  value: string,
  header: string,
): { s: Scanner; seconds: number; params: Params } {
  const s = new Scanner(value, header);
  s.skipWs();
  const seconds = readNumber(s, MAX, 'delta-seconds');
  const params = readParams(s);
  return { s, seconds, params };
}

export function parseSessionExpires(value: string, header = 'session-expires'): SessionExpires {
  const { s, seconds, params } = parseDelta(value, header);
  s.end();
  const r = params.get('refresher');
  if (r === undefined) return { seconds, refresher: undefined, params };
  const lower = r?.toLowerCase();
  if (lower !== 'uac' && lower !== 'uas') return s.fail('bad refresher');
  return { seconds, refresher: lower, params };
}

export function parseRetryAfter(value: string): RetryAfter {
  const s = new Scanner(value, 'retry-after');
  s.skipWs();
  const seconds = readNumber(s, MAX, 'delta-seconds');
  s.skipWs();
  let comment: string | undefined;
  if (s.peek() === 0x28) {
    let depth = 0;
    const start = s.pos;
    do {
      const c = s.peek();
      if (c < 0) s.fail('unterminated comment');
      if (c === 0x5c) s.pos++;
      else if (c === 0x28) depth++;
      else if (c === 0x29) depth--;
      s.pos++;
    } while (depth > 0);
    comment = s.text.slice(start + 1, s.pos - 1);
  }
  const params = readParams(s);
  s.end();
  return { seconds, comment, duration: numericParam(s, params, 'duration'), params };
}
