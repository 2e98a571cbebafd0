/**
 * The one error the parser throws. It carries a machine-readable reason, the
 * status a server should answer with (400, 505 or 513; responses are dropped
 * instead), and, where the message was readable far enough, the raw values of
 * the headers a 400 needs (RFC 3261 §8.2.6: Via, From, To, Call-ID, CSeq), so a
 * transport can answer as RFC 4475 expects.
 */
import { PalisadeError } from '@palisade/common';

export type SipParseReason =
  | 'empty'
  | 'too_large'
  | 'too_many_headers'
  | 'header_too_long'
  | 'uri_too_long'
  | 'bad_start_line'
  | 'bad_request_uri'
  | 'unsupported_version'
  | 'bad_header'
  | 'unterminated_headers'
  | 'missing_header'
  | 'duplicate_header'
  | 'cseq_mismatch'
  | 'bad_content_length'
  | 'truncated_body'
  | 'missing_content_length'
  | 'bad_body';

/** The headers needed to answer a broken request, as raw values (one per line). */
export interface PartialMessage {
  readonly kind: 'request' | 'response' | 'unknown';
  readonly method: string | undefined;
  readonly via: readonly string[];
  readonly from: readonly string[];
  readonly to: readonly string[];
  readonly callId: readonly string[];
  readonly cseq: readonly string[];
}

export class SipParseError extends PalisadeError {
  readonly reason: SipParseReason;
  /** Canonical lower-case name of the offending header, when one is to blame. */
  readonly header: string | undefined;
  /** What a server answers a request with: 400, 505 (version) or 513 (too large). */
  readonly status: 400 | 505 | 513;
  readonly partial: PartialMessage | undefined;

  constructor(
    reason: SipParseReason,
    message: string,
    options: { header?: string; partial?: PartialMessage } = {},
  ) {
    const tooLarge = reason === 'too_large';
    super(tooLarge ? 'payload_too_large' : 'bad_request', message, {
      details: { reason, ...(options.header === undefined ? {} : { header: options.header }) },
    });
    this.name = 'SipParseError';
    this.reason = reason;
    this.header = options.header;
    this.status = tooLarge ? 513 : reason === 'unsupported_version' ? 505 : 400;
    this.partial = options.partial;
  }

  /** The same failure with the recoverable part of the message attached. */
  withPartial(partial: PartialMessage): SipParseError {
    const header = this.header;
    return new SipParseError(this.reason, this.message, {
      partial,
      ...(header === undefined ? {} : { header }),
    });
  }
}

export function isSipParseError(value: unknown): value is SipParseError {
  return value instanceof SipParseError;
}

/** Throws a header-level parse error; header values never go into the message. */
export function badHeader(header: string, what: string): never {
  throw new SipParseError('bad_header', `malformed ${header} header: ${what}`, { header });
}
