import { PalisadeError } from '@palisade/common';

/** Why an SDP body was refused; stable, safe to log and to show a peer. */
export type SdpErrorReason =
  | 'too_large'
  | 'too_many_lines'
  | 'too_many_media'
  | 'line_too_long'
  | 'bad_line'
  | 'missing_line'
  | 'bad_version'
  | 'bad_origin'
  | 'bad_connection'
  | 'bad_media'
  | 'bad_attribute';

/** A malformed or oversized SDP body (answered 400 in SIP, 400 in HTTP). */
export class SdpParseError extends PalisadeError {
  readonly reason: SdpErrorReason;
  /** 1-based line number where the problem was found, when there is one. */
  readonly line: number | undefined;

  constructor(reason: SdpErrorReason, message: string, line?: number) {
    super('bad_request', `SDP: ${message}`, { details: { reason, line } });
    this.name = 'SdpParseError';
    this.reason = reason;
    this.line = line;
  }
}

/**
 * No codec in common between an offer and what we accept: the caller answers
 * 488 Not Acceptable Here (the code maps to it).
 */
export class NoCommonCodecError extends PalisadeError {
  constructor(mediaIndex: number) {
    super('unsupported_media', 'no common codec', {
      details: { reason: 'no_common_codec', mediaIndex },
    });
    this.name = 'NoCommonCodecError';
  }
}
