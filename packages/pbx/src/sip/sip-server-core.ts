/**
 * The UA core of the server (RFC 3261 §8.2): a transaction user that checks
 * what every request must pass and hands it to the handler registered for
 * its method. Other modules (calls, presence, messaging) add their methods
 * with `handle`; until then a method we know answers 405 with Allow and an
 * unknown one 501 (§8.2.1). A handler that throws becomes a 500, never a
 * crash.
 */
import { isPalisadeError, nullLogger } from '@palisade/common';
import type { Logger } from '@palisade/common';
import { createResponse, isSipParseError } from '@palisade/sip';
import type {
  Destination,
  ExtraHeaders,
  ResponseInit,
  ServerTransaction,
  SipRequest,
  SipResponse,
  TransactionUser,
} from '@palisade/sip';

export interface IncomingRequest {
  readonly request: SipRequest;
  readonly source: Destination;
  /** The server transaction of the request (call control answers INVITEs through it). */
  readonly transaction: ServerTransaction;
  /** Sends a response in the request's server transaction. */
  respond(status: number, init?: ResponseInit): void;
}

export type RequestHandler = (incoming: IncomingRequest) => void | Promise<void>;

/**
 * Answers a request without a transaction (RFC 3261 §8.2.7), when it can
 * at once: a status and what goes with it, or `undefined` to let the
 * method's handler have it with a transaction.
 */
export type StatelessHandler = (
  request: SipRequest,
  source: Destination,
) => { readonly status: number; readonly init: ResponseInit } | undefined;

/** Methods of RFC 3261 and its common extensions: a 405 is right for these, 501 for the rest. */
const KNOWN_METHODS = new Set([
  'INVITE',
  'ACK',
  'BYE',
  'CANCEL',
  'REGISTER',
  'OPTIONS',
  'PRACK',
  'SUBSCRIBE',
  'NOTIFY',
  'PUBLISH',
  'INFO',
  'REFER',
  'MESSAGE',
  'UPDATE',
]);

export interface SipServerCoreOptions {
  readonly logger?: Logger;
  /** Option tags we support (RFC 3261 §8.2.2.3; a Require outside them gets 420). */
  readonly supported?: readonly string[];
  /**
   * Option tags supported only for some methods (upper case): `100rel`
   * (RFC 3262) means something for INVITE alone, so a REGISTER requiring it
   * still gets 420.
   */
  readonly supportedFor?: Readonly<Record<string, readonly string[]>>;
  /** Value of the Server header; empty for none. */
  readonly serverHeader?: string;
}

export class SipServerCore implements TransactionUser {
  readonly #handlers = new Map<string, RequestHandler>();
  readonly #stateless = new Map<string, StatelessHandler>();
  readonly #logger: Logger;
  readonly #supported: readonly string[];
  readonly #supportedFor: Readonly<Record<string, readonly string[]>>;
  readonly #server: string;
  #onAck: ((request: SipRequest, source: Destination) => void) | undefined;

  constructor(options: SipServerCoreOptions = {}) {
    this.#logger = options.logger ?? nullLogger;
    this.#supported = options.supported ?? ['path', 'outbound'];
    this.#supportedFor = options.supportedFor ?? {};
    this.#server = options.serverHeader ?? '';
  }

  /** Registers the handler of a method (upper case); replaces an earlier one. */
  handle(method: string, handler: RequestHandler): void {
    this.#handlers.set(method.toUpperCase(), handler);
  }

  /**
   * Registers the stateless handler of a method (the registrar's challenge
   * to a REGISTER without credentials). It is asked before the method's
   * handler, for requests that pass the checks every request must pass.
   */
  handleStateless(method: string, handler: StatelessHandler): void {
    this.#stateless.set(method.toUpperCase(), handler);
  }

  /** Where ACKs for 2xx responses go (they have no transaction). */
  handleAck(handler: (request: SipRequest, source: Destination) => void): void {
    this.#onAck = handler;
  }

  /** Methods with a handler, for Allow. */
  get allowed(): string[] {
    return [...this.#handlers.keys()];
  }

  /** Every option tag we support for some method (OPTIONS lists them). */
  get supported(): readonly string[] {
    return [...new Set([...this.#supported, ...Object.values(this.#supportedFor).flat()])];
  }

  /** Headers every response of ours carries. */
  get commonHeaders(): ExtraHeaders {
    return this.#server ? [['Server', this.#server]] : [];
  }

  statelessResponse(request: SipRequest, source: Destination): SipResponse | undefined {
    const handler = this.#stateless.get(request.method);
    if (!handler) return undefined;
    try {
      // a 420 (or anything odd) is for the stateful path to answer
      if (this.#unsupported(request).length > 0) return undefined;
      const answer = handler(request, source);
      if (!answer) return undefined;
      const headers = [...this.commonHeaders, ...(answer.init.headers ?? [])];
      return createResponse(request, answer.status, { ...answer.init, headers });
    } catch {
      // a header that does not parse: the stateful path answers it (400)
      return undefined;
    }
  }

  request(
    request: SipRequest,
    transaction: ServerTransaction | undefined,
    source: Destination,
  ): void {
    // an ACK outside a transaction (for a 2xx, RFC 6026 §8.7) goes to call control
    if (!transaction) {
      if (request.method === 'ACK') this.#onAck?.(request, source);
      return;
    }
    const respond = (status: number, init: ResponseInit = {}): void => {
      const headers = [...this.commonHeaders, ...(init.headers ?? [])];
      transaction.respond(createResponse(request, status, { ...init, headers }));
    };
    const incoming: IncomingRequest = { request, source, transaction, respond };
    try {
      if (this.#rejectedUpfront(incoming)) return;
      const handler = this.#handlers.get(request.method);
      if (handler) {
        const done = handler(incoming);
        if (done) done.catch((err: unknown) => this.#failed(incoming, err));
        return;
      }
      if (request.method === 'CANCEL') respond(481);
      else if (KNOWN_METHODS.has(request.method))
        respond(405, { headers: [['Allow', this.allowed.join(', ')]] });
      else respond(501);
    } catch (err) {
      this.#failed(incoming, err);
    }
  }

  /** §8.2.2.3: a Require we do not support gets 420 with Unsupported. */
  #rejectedUpfront(incoming: IncomingRequest): boolean {
    const { request } = incoming;
    if (request.method === 'CANCEL' || request.method === 'ACK') return false;
    const unsupported = this.#unsupported(request);
    if (unsupported.length === 0) return false;
    incoming.respond(420, { headers: [['Unsupported', unsupported.join(', ')]] });
    return true;
  }

  #unsupported(request: SipRequest): string[] {
    const forMethod = this.#supportedFor[request.method] ?? [];
    return request
      .header('require')
      .filter(
        (t) => !this.#supported.includes(t.toLowerCase()) && !forMethod.includes(t.toLowerCase()),
      );
  }

  #failed(incoming: IncomingRequest, err: unknown): void {
    if (isSipParseError(err)) {
      incoming.respond(400, { reason: 'Bad Request' });
      return;
    }
    if (!isPalisadeError(err))
      this.#logger.error('SIP request handler failed', {
        method: incoming.request.method,
        error: err instanceof Error ? err.message : String(err),
      });
    try {
      incoming.respond(isPalisadeError(err) ? err.sipStatus : 500);
    } catch {
      // the transaction may already have answered
    }
  }
}
