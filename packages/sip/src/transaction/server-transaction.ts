/** What server transactions share: how they end, told to whoever listens. */
export type ServerTermination = 'normal' | 'ack_timeout' | 'transport_error' | 'closed';

// a type alias (not an interface) so it satisfies TypedEmitter's index signature
export type ServerTransactionEvents = {
  /** The transaction ended; `ack_timeout` is Timer H (no ACK for a non-2xx final). */
  readonly terminated: ServerTermination;
};
