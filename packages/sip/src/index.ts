/**
 * @palisade/sip — RFC 3261 and friends without sockets: grammar, URIs,
 * typed headers, messages (parser, serializer, stream framer), transactions
 * and dialogs. Transports live in @palisade/sip-node.
 */
export { SipParseError, isSipParseError } from './grammar/sip-parse-error.ts';
export type { SipParseReason, PartialMessage } from './grammar/sip-parse-error.ts';
export { Params } from './grammar/generic-params.ts';
export type { Param } from './grammar/generic-params.ts';
export { quote } from './grammar/value-scanner.ts';
export { unescapeComponent, escapeComponent } from './grammar/escaping.ts';
export { isUserChar } from './grammar/char-classes.ts';

export type { Uri, SipUri, TelUri, OtherUri, HostKind } from './uri/uri-types.ts';
export { parseUri, hostKind, DEFAULT_MAX_URI_LENGTH } from './uri/uri-parser.ts';
export { formatUri } from './uri/uri-format.ts';
export { uriEquals } from './uri/uri-compare.ts';
export { sipUri, withUriParam } from './uri/uri-build.ts';
export type { SipUriParts } from './uri/uri-build.ts';

export { Via, MAGIC_COOKIE, parseVia } from './headers/via-header.ts';
export { NameAddr, parseNameAddr } from './headers/name-addr.ts';
export {
  ContactAddr,
  WILDCARD_CONTACT,
  isWildcard,
  parseContact,
} from './headers/contact-header.ts';
export type { Contact, WildcardContact } from './headers/contact-header.ts';
export {
  parseCredentials,
  parseChallenge,
  formatCredentials,
  formatChallenge,
  formatDigestChallenge,
} from './headers/auth-headers.ts';
export type {
  Credentials,
  DigestCredentials,
  OtherCredentials,
  Challenge,
  DigestChallenge,
  OtherChallenge,
  DigestChallengeInit,
} from './headers/auth-headers.ts';
export { parseMediaType, mediaType, formatMediaType } from './headers/media-type.ts';
export type { MediaType } from './headers/media-type.ts';
export type { CSeq, RAck } from './headers/scalar-headers.ts';
export type {
  EventHeader,
  SubscriptionState,
  Replaces,
  SessionExpires,
  RetryAfter,
} from './headers/event-headers.ts';
export { canonicalHeaderName, wireHeaderName } from './headers/header-names.ts';
export { isHeaderName, isSingleHeader } from './headers/header-registry.ts';
export type { HeaderTypes, HeaderName } from './headers/header-registry.ts';

export { SipRequest, SipResponse, serializeMessage } from './message/sip-message.ts';
export type { ParsedHeaders } from './message/sip-message.ts';
export type { SipMessage } from './message/sip-message.ts';
export type { HeaderField } from './message/header-field.ts';
export { parseMessage } from './message/message-parser.ts';
export type { ParseOptions } from './message/message-parser.ts';
export { DEFAULT_PARSE_LIMITS } from './message/parse-limits.ts';
export type { ParseLimits } from './message/parse-limits.ts';
export { SipStreamFramer } from './message/stream-framer.ts';
export type { FramerEvent, StreamFramerOptions } from './message/stream-framer.ts';
export { createRequest, createResponse, parseErrorResponse } from './message/message-builders.ts';
export type { RequestInit, ResponseInit, ExtraHeaders } from './message/message-builders.ts';
export { newBranch, newTag, newCallId } from './message/ids.ts';
export { reasonPhrase } from './message/reason-phrases.ts';

export { StateMachine } from './transaction/state-machine.ts';
export type { TransitionTable } from './transaction/state-machine.ts';
export type { Destination, SipTransport, TransportName } from './transaction/transport.ts';
export { DEFAULT_TIMERS, timerDurations } from './transaction/timer-config.ts';
export type { TimerConfig, TimerName } from './transaction/timer-config.ts';
export type { ClientTransactionUser, ResponseOrigin } from './transaction/client-transaction.ts';
export type {
  ServerTermination,
  ServerTransactionEvents,
} from './transaction/server-transaction.ts';
export {
  InviteClientTransaction,
  INVITE_CLIENT_TRANSITIONS,
} from './transaction/invite-client-transaction.ts';
export type { InviteClientState } from './transaction/invite-client-transaction.ts';
export {
  NonInviteClientTransaction,
  NON_INVITE_CLIENT_TRANSITIONS,
} from './transaction/non-invite-client-transaction.ts';
export type { NonInviteClientState } from './transaction/non-invite-client-transaction.ts';
export {
  InviteServerTransaction,
  INVITE_SERVER_TRANSITIONS,
} from './transaction/invite-server-transaction.ts';
export type { InviteServerState } from './transaction/invite-server-transaction.ts';
export {
  NonInviteServerTransaction,
  NON_INVITE_SERVER_TRANSITIONS,
} from './transaction/non-invite-server-transaction.ts';
export type { NonInviteServerState } from './transaction/non-invite-server-transaction.ts';
export { TransactionLayer } from './transaction/transaction-layer.ts';
export type {
  ClientTransaction,
  ServerTransaction,
  TransactionUser,
  TransactionLayerOptions,
} from './transaction/transaction-layer.ts';
export { createNon2xxAck, createCancel } from './transaction/ack-and-cancel.ts';
export { serverKey, clientKey, clientKeyOfResponse } from './transaction/transaction-keys.ts';

export { Dialog, dialogIdOf, dialogKey, DIALOG_TRANSITIONS } from './dialog/dialog.ts';
export type { DialogId, DialogState, DialogRequestInit } from './dialog/dialog.ts';
export {
  OPTION_100REL,
  RELIABLE_SENDER_TRANSITIONS,
  ReliableProvisionalReceiver,
  ReliableProvisionalSender,
  isReliableProvisional,
  reliabilityOf,
} from './dialog/reliable-provisional.ts';
export type {
  PrackMatch,
  ReliableSenderInit,
  ReliableSenderState,
} from './dialog/reliable-provisional.ts';

export { parseMultipart } from './message/multipart.ts';
export type { BodyPart } from './message/multipart.ts';
