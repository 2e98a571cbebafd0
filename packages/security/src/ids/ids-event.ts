/**
 * What a detector inside a protocol stack reports. Detectors only report;
 * the intrusion detector's policy decides (ban, alert or ignore).
 */
export const IDS_SERVICES = ['sip', 'rtp', 'ws', 'http', 'login'] as const;
export type IdsService = (typeof IDS_SERVICES)[number];

/**
 * One kind per detector:
 * - `auth-failure`: a failed SIP digest authentication
 * - `login-failure` / `mfa-failure`: a failed web login or second factor
 * - `spraying`: one address failing logins across many accounts
 * - `scanner`: a request from a known scanner user agent (dropped)
 * - `request`: any request (counted for the flood rule)
 * - `malformed`: a SIP message that did not parse
 * - `bad-destination`: an INVITE to a non-existent or forbidden destination
 * - `rtp-wrong-source`: media from an address that is not the call's peer
 * - `handshake`: a TLS or WebSocket handshake (counted for the flood rule)
 * - `slow-client`: a connection closed for sending too slowly
 * - `message-flood`: a WebSocket connection closed for exceeding its message rate
 */
export const IDS_KINDS = [
  'auth-failure',
  'login-failure',
  'mfa-failure',
  'spraying',
  'scanner',
  'request',
  'malformed',
  'bad-destination',
  'rtp-wrong-source',
  'handshake',
  'slow-client',
  'message-flood',
] as const;
export type IdsKind = (typeof IDS_KINDS)[number];

export interface IdsEvent {
  /** The peer's IP address as the socket reported it. */
  readonly source: string;
  readonly service: IdsService;
  readonly kind: IdsKind;
  /** The user name the peer gave (may not exist); never a secret. */
  readonly user?: string;
  readonly tenantId?: string;
  /** How many occurrences this event stands for; default 1 (e.g. dropped RTP packets). */
  readonly weight?: number;
}
