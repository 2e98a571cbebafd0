/** Directory and IdP values in the forms the local directory stores. */

/** `+1 (555) 010-0100` → `+15550100100`; null when it is not a phone number. */
export function normalisePhone(phone: string | null): string | null {
  if (phone === null) return null;
  const compact = phone.replace(/[\s().\/-]/g, '').replace(/^00/, '+');
  return /^\+?[0-9]{4,20}$/.test(compact) ? compact : null;
}

/** A plausible e-mail address, or null (directories hold odd values). */
export function normaliseEmail(email: string | null): string | null {
  if (email === null) return null;
  const e = email.trim();
  return /^[^\s@\p{Cc}]{1,64}@[A-Za-z0-9.-]{1,189}\.[A-Za-z]{2,63}$/u.test(e) ? e : null;
}
