/**
 * One error type for expected failures. Each code maps to the status a SIP or
 * HTTP peer sees, so every boundary answers the same failure the same way.
 * Bugs are thrown as plain errors and never wrapped into a PalisadeError.
 */

export const ERROR_STATUS = {
  bad_request: { http: 400, sip: 400 },
  validation_failed: { http: 400, sip: 400 },
  unauthenticated: { http: 401, sip: 401 },
  forbidden: { http: 403, sip: 403 },
  not_found: { http: 404, sip: 404 },
  conflict: { http: 409, sip: 409 },
  payload_too_large: { http: 413, sip: 513 },
  rate_limited: { http: 429, sip: 503 },
  unsupported_media: { http: 415, sip: 488 },
  busy: { http: 409, sip: 486 },
  unavailable: { http: 503, sip: 480 },
  overloaded: { http: 503, sip: 503 },
  config_invalid: { http: 500, sip: 500 },
  storage_failed: { http: 500, sip: 500 },
  internal: { http: 500, sip: 500 },
} as const satisfies Record<string, { http: number; sip: number }>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface PalisadeErrorOptions {
  /** Structured, non-secret details safe to show to the caller (e.g. which field failed). */
  readonly details?: Readonly<Record<string, unknown>>;
  readonly cause?: unknown;
}

export class PalisadeError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, options: PalisadeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PalisadeError';
    this.code = code;
    this.details = options.details;
  }

  get httpStatus(): number {
    return ERROR_STATUS[this.code].http;
  }

  get sipStatus(): number {
    return ERROR_STATUS[this.code].sip;
  }
}

export function isPalisadeError(value: unknown, code?: ErrorCode): value is PalisadeError {
  return value instanceof PalisadeError && (code === undefined || value.code === code);
}

/**
 * Normalises an unknown throwable at a boundary. Expected failures keep their
 * code; anything else becomes `internal` with a generic message so no internal
 * detail (paths, SQL, secrets) reaches a peer. The original stays as `cause`
 * for the log.
 */
export function toPalisadeError(value: unknown): PalisadeError {
  if (value instanceof PalisadeError) return value;
  return new PalisadeError('internal', 'internal error', { cause: value });
}
