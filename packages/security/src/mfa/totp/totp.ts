/**
 * TOTP second factor (RFC 6238): SHA-1, 30-second steps, 6 digits — what
 * every authenticator app supports. We accept the code of the current step
 * and one step either side for clock drift (RFC 6238 §5.2), and never accept
 * a step at or before the last one accepted, so a code cannot be used twice
 * (§5.2: "MUST NOT accept the second attempt of the same OTP"). The caller
 * stores `step` from a successful result and passes it back next time.
 */
import { randomBytes } from 'node:crypto';
import { constantTimeEqual } from '../../crypto/constant-time-equal.ts';
import { encodeBase32 } from './base32.ts';
import { hotp } from './hotp.ts';
import type { OtpAlgorithm } from './hotp.ts';

export interface TotpOptions {
  readonly periodSeconds?: number;
  readonly digits?: number;
  readonly algorithm?: OtpAlgorithm;
  /** Steps accepted either side of now; default 1. */
  readonly window?: number;
}

const DEFAULTS = { periodSeconds: 30, digits: 6, algorithm: 'SHA1', window: 1 } as const;

/** 20 random bytes (160 bits, the HMAC-SHA-1 block recommendation of RFC 4226 §4). */
export const TOTP_SECRET_BYTES = 20;

export interface TotpSecret {
  readonly bytes: Buffer;
  /** Base32, for the otpauth URI and for typing in by hand. */
  readonly base32: string;
}

export function generateTotpSecret(): TotpSecret {
  const bytes = randomBytes(TOTP_SECRET_BYTES);
  return { bytes, base32: encodeBase32(bytes) };
}

/** The time step containing `timeMs` (RFC 6238 §4.2, T0 = 0). */
export function totpStep(timeMs: number, periodSeconds: number = DEFAULTS.periodSeconds): number {
  return Math.floor(timeMs / 1000 / periodSeconds);
}

/** The code for the step containing `timeMs`. */
export function totpCode(secret: Uint8Array, timeMs: number, options: TotpOptions = {}): string {
  const o = { ...DEFAULTS, ...options };
  return hotp(secret, totpStep(timeMs, o.periodSeconds), o.digits, o.algorithm);
}

export interface TotpVerifyInput {
  readonly secret: Uint8Array;
  /** What the user typed; spaces are ignored. */
  readonly code: string;
  readonly nowMs: number;
  /** The step of the last accepted code for this secret, or null if none yet. */
  readonly lastAcceptedStep: number | null;
  readonly options?: TotpOptions;
}

export type TotpVerifyResult =
  | { readonly ok: true; readonly step: number }
  | { readonly ok: false; readonly reason: 'malformed' | 'invalid' | 'replay' };

export function verifyTotp(input: TotpVerifyInput): TotpVerifyResult {
  const o = { ...DEFAULTS, ...input.options };
  if (!Number.isInteger(o.window) || o.window < 0 || o.window > 10)
    throw new RangeError('TOTP window must be 0 to 10 steps');
  const code = typeof input.code === 'string' ? input.code.replace(/\s/g, '') : '';
  if (code.length !== o.digits || !/^\d+$/.test(code)) return { ok: false, reason: 'malformed' };
  const now = totpStep(input.nowMs, o.periodSeconds);
  // Compare against every step of the window, without stopping early, so the
  // time taken does not say which step matched.
  let matched: number | null = null;
  let replayed = false;
  for (let step = now - o.window; step <= now + o.window; step++) {
    if (step < 0) continue;
    const hit = constantTimeEqual(hotp(input.secret, step, o.digits, o.algorithm), code);
    if (!hit) continue;
    if (input.lastAcceptedStep !== null && step <= input.lastAcceptedStep) replayed = true;
    else matched ??= step;
  }
  if (matched !== null) return { ok: true, step: matched };
  return { ok: false, reason: replayed ? 'replay' : 'invalid' };
}

export interface TotpUriInput {
  /** Shown by the app as the service name, e.g. the tenant's name. */
  readonly issuer: string;
  /** The user's login name or e-mail. */
  readonly account: string;
  readonly secret: Uint8Array;
  readonly options?: Pick<TotpOptions, 'periodSeconds' | 'digits' | 'algorithm'>;
}

/**
 * The otpauth:// URI authenticator apps read from a QR code
 * (otpauth://totp/Issuer:account?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30).
 */
export function totpUri(input: TotpUriInput): string {
  const o = { ...DEFAULTS, ...input.options };
  const label = `${encodeURIComponent(input.issuer)}:${encodeURIComponent(input.account)}`;
  const query = new URLSearchParams({
    secret: encodeBase32(input.secret),
    issuer: input.issuer,
    algorithm: o.algorithm,
    digits: String(o.digits),
    period: String(o.periodSeconds),
  });
  return `otpauth://totp/${label}?${query.toString().replace(/\+/g, '%20')}`;
}
