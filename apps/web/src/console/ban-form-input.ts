/**
 * Checks the manual ban form before it is sent, in plain words (the server
 * checks again): an IPv4 or IPv6 address, a whole positive duration of at
 * most a year (empty: until lifted), a reason of at most 200 characters.
 */
export interface BanRequest {
  readonly address: string;
  readonly durationSeconds: number | null;
  readonly reason: string;
}

export type BanFormResult =
  | { readonly ok: true; readonly request: BanRequest }
  | {
      readonly ok: false;
      readonly field: 'address' | 'duration' | 'reason';
      readonly message: string;
    };

export const DURATION_UNITS = {
  minutes: 60,
  hours: 3600,
  days: 86_400,
} as const;

const YEAR_SECONDS = 365 * 86_400;

export function isIpv4(s: string): boolean {
  const parts = s.split('.');
  return (
    parts.length === 4 && parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255)
  );
}

export function isIpv6(s: string): boolean {
  if (!/^[0-9A-Fa-f:.]+$/.test(s) || !s.includes(':')) return false;
  try {
    // the URL parser accepts exactly the valid IPv6 literals
    new URL(`http://[${s}]/`);
    return true;
  } catch {
    return false;
  }
}

export function readBanForm(input: {
  address: string;
  duration: string;
  unit: string;
  reason: string;
  ownAddress?: string;
}): BanFormResult {
  const address = input.address.trim();
  if (address === '')
    return { ok: false, field: 'address', message: 'Enter the IP address to ban.' };
  if (!isIpv4(address) && !isIpv6(address))
    return {
      ok: false,
      field: 'address',
      message: `“${address.slice(0, 60)}” is not an IP address. Enter one address such as 192.0.2.10 or 2001:db8::10 (no port, no name, no range).`,
    };
  if (input.ownAddress !== undefined && sameAddress(address, input.ownAddress))
    return {
      ok: false,
      field: 'address',
      message: 'That is the address you are connected from: banning it would lock you out.',
    };
  const duration = input.duration.trim();
  let durationSeconds: number | null = null;
  if (duration !== '') {
    const unit = DURATION_UNITS[input.unit as keyof typeof DURATION_UNITS];
    if (!/^[0-9]+$/.test(duration) || Number(duration) < 1 || unit === undefined)
      return {
        ok: false,
        field: 'duration',
        message: 'The duration must be a whole number above zero (or empty: until lifted).',
      };
    durationSeconds = Number(duration) * unit;
    if (durationSeconds > YEAR_SECONDS)
      return { ok: false, field: 'duration', message: 'A ban lasts at most 365 days.' };
  }
  const reason = input.reason.trim();
  if (reason.length > 200)
    return { ok: false, field: 'reason', message: 'The reason is at most 200 characters.' };
  return { ok: true, request: { address, durationSeconds, reason } };
}

function sameAddress(a: string, b: string): boolean {
  const plain = (s: string) => s.toLowerCase().replace(/^::ffff:(?=[0-9.]+$)/, '');
  return plain(a) === plain(b);
}
