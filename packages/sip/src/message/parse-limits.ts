/** Size limits applied to every received message; bigger or longer is refused. */
export interface ParseLimits {
  /** Whole message, headers and body. */
  readonly maxMessageBytes: number;
  readonly maxHeaders: number;
  readonly maxUriLength: number;
  /** One header field including its continuation lines. */
  readonly maxHeaderLineBytes: number;
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = Object.freeze({
  maxMessageBytes: 16 * 1024,
  maxHeaders: 100,
  maxUriLength: 1024,
  maxHeaderLineBytes: 8 * 1024,
});

export function resolveLimits(limits: Partial<ParseLimits> | undefined): ParseLimits {
  return limits === undefined ? DEFAULT_PARSE_LIMITS : { ...DEFAULT_PARSE_LIMITS, ...limits };
}
