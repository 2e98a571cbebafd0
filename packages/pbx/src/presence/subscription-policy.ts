/**
 * Bounds of the notifier (RFC 6665 §4.2.1.1 expiry; PRODUCT §D3 bounded
 * memory): how long a subscription may last, and how many one device, one
 * source address and the whole server may hold.
 */
export interface SubscriptionPolicy {
  /** Shorter non-zero expiries get 423 Interval Too Brief with Min-Expires. */
  readonly minExpires: number;
  /** Longer expiries are shortened to this. */
  readonly maxExpires: number;
  /** Subscriptions one device may hold at once (a phone with busy-lamp keys holds one per key). */
  readonly maxPerDevice: number;
  /** Subscriptions from one IP address at once (an office behind NAT shares one). */
  readonly maxPerSource: number;
  /** Subscriptions in all: beyond it new ones get 503 with Retry-After. */
  readonly maxTotal: number;
}

export const DEFAULT_SUBSCRIPTION_POLICY: SubscriptionPolicy = Object.freeze({
  minExpires: 60,
  maxExpires: 3600,
  maxPerDevice: 200,
  maxPerSource: 1000,
  maxTotal: 20_000,
});
