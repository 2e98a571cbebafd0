/** Expiry bounds and limits of the registrar (RFC 3261 §10.3 steps 7–8). */
export interface RegisterPolicy {
  /** Shorter non-zero expiries get 423 Interval Too Brief with Min-Expires. */
  readonly minExpires: number;
  /** Longer expiries are shortened to this. */
  readonly maxExpires: number;
  /** When the request names none (RFC 3261 §10.2.1.1 suggests 3600). */
  readonly defaultExpires: number;
  /** Contacts one device may hold at once. */
  readonly maxContactsPerDevice: number;
}

export const DEFAULT_REGISTER_POLICY: RegisterPolicy = Object.freeze({
  minExpires: 60,
  maxExpires: 3600,
  defaultExpires: 3600,
  maxContactsPerDevice: 10,
});
