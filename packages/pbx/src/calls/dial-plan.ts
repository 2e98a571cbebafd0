/**
 * The dial plan (PRODUCT §A6): which class a dialled number belongs to,
 * and which permission a caller needs to place it. Emergency numbers come
 * first so no prefix rule can shadow them; then the longest matching
 * international or national prefix; anything else is internal (an
 * extension or ring group of the tenant, resolved by the router).
 */
import { unescapeComponent } from '@palisade/sip';
import type { SipRequest } from '@palisade/sip';
import type { CallClass } from '../ports/cdr-repository.ts';
import type { CallSettings } from './call-settings.ts';

export type { CallClass };

export const CALL_CLASS_PERMISSION = {
  internal: 'call:internal',
  national: 'call:national',
  international: 'call:international',
  emergency: 'call:emergency',
} as const satisfies Record<CallClass, string>;

function longestPrefix(number: string, prefixes: readonly string[]): number {
  let best = -1;
  for (const p of prefixes) if (number.startsWith(p) && p.length > best) best = p.length;
  return best;
}

export function classifyNumber(number: string, settings: CallSettings): CallClass {
  if (settings.emergencyNumbers.includes(number)) return 'emergency';
  const intl = longestPrefix(number, settings.internationalPrefixes);
  const national = longestPrefix(number, settings.nationalPrefixes);
  if (intl >= 0 && intl >= national) return 'international';
  if (national >= 0) return 'national';
  return 'internal';
}

/** Whether a caller holding `permissions` (the union of their groups') may place a call of `cls`. */
export function mayCall(permissions: ReadonlySet<string>, cls: CallClass): boolean {
  return permissions.has(CALL_CLASS_PERMISSION[cls]);
}

/** The number dialled: the user part of a SIP Request-URI, or a tel: number. */
export function dialledNumber(request: SipRequest): string | undefined {
  const uri = request.uri;
  const raw = uri.kind === 'sip' ? uri.user : uri.kind === 'tel' ? uri.number : undefined;
  if (raw === undefined) return undefined;
  const n = unescapeComponent(raw).replace(/[-.() ]/g, '');
  return /^\+?[0-9*#]{1,32}$/.test(n) ? n : undefined;
}
