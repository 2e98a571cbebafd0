/**
 * API tokens for integrations (PRODUCT §C10):
 *
 *     pal_<id: 12 letters/digits>_<secret: 43 base64url chars = 256 bits>
 *
 * The prefix makes leaked tokens easy to recognise (secret scanners, logs).
 * The id is public: it names the token in the console and in audit events.
 * The id is letters and digits only; the secret may contain `_` and `-`, so
 * the format is parsed by fixed positions, never by splitting on `_`.
 *
 * Storage keeps only SHA-256 of the whole token. A fast hash is right here,
 * unlike for passwords: the token carries 256 bits from the CSPRNG, so there
 * is nothing to guess and a slow, salted hash would only cost CPU on every API
 * call. The hash is deterministic, so it is also the index to look tokens up by.
 */
import { randomBytes } from 'node:crypto';
import { hashToken } from './token-hash.ts';
import { constantTimeEqual } from './constant-time-equal.ts';
import { ALPHANUMERIC, randomString } from './random-string.ts';

export const API_TOKEN_PREFIX = 'pal_';
export const API_TOKEN_ID_LENGTH = 12;
export const API_TOKEN_SECRET_LENGTH = 43;
export const API_TOKEN_LENGTH =
  API_TOKEN_PREFIX.length + API_TOKEN_ID_LENGTH + 1 + API_TOKEN_SECRET_LENGTH;

const TOKEN_PATTERN = /^pal_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export interface GeneratedApiToken {
  /** The whole token: shown to its owner once, never stored. */
  readonly token: string;
  /** Public identifier, safe to show and log. */
  readonly id: string;
  /** Hex SHA-256 of the whole token: the only thing to store. */
  readonly lookupHash: string;
}

export interface ParsedApiToken {
  readonly id: string;
  readonly secret: string;
}

export function generateApiToken(): GeneratedApiToken {
  const id = randomString(API_TOKEN_ID_LENGTH, ALPHANUMERIC);
  const secret = randomBytes(32).toString('base64url');
  const token = `${API_TOKEN_PREFIX}${id}_${secret}`;
  return { token, id, lookupHash: hashApiToken(token) };
}

/** Splits a presented token into id and secret, or null when it is not of our format. */
export function parseApiToken(token: string): ParsedApiToken | null {
  if (typeof token !== 'string' || token.length !== API_TOKEN_LENGTH) return null;
  const match = TOKEN_PATTERN.exec(token);
  if (!match) return null;
  return { id: match[1]!, secret: match[2]! };
}

/** Hex SHA-256 of the whole token, as stored. */
export function hashApiToken(token: string): string {
  return hashToken(token);
}

/** Whether a presented token matches a stored lookup hash (constant time). */
export function verifyApiToken(token: string, storedLookupHash: string): boolean {
  if (parseApiToken(token) === null) return false;
  return constantTimeEqual(hashApiToken(token), storedLookupHash);
}
