/**
 * Records who did what: every entry goes to the append-only audit log in the
 * database and, as a security event, to syslog. Detail must never hold a
 * secret; control characters in it are escaped by the syslog formatter.
 */
import type { Clock, Logger, SecurityEventSink } from '@palisade/common';
import type { AuditLogRepository, AuditOutcome } from '../ports/audit-log-repository.ts';

export interface AuditRecord {
  readonly actor: string;
  readonly action: string;
  readonly outcome: AuditOutcome;
  readonly tenantId?: string | null;
  readonly target?: string | null;
  readonly remoteAddress?: string | undefined;
  readonly remotePort?: number | undefined;
  readonly detail?: Readonly<Record<string, unknown>>;
}

/** Who did something and from where, as the directory's actors and API principals carry it. */
export interface AuditSource {
  readonly id: string;
  readonly remoteAddress?: string | undefined;
  readonly remotePort?: number | undefined;
}

/** The actor and address fields of an audit record for `source`. */
export function auditSource(
  source: AuditSource,
): Pick<AuditRecord, 'actor' | 'remoteAddress' | 'remotePort'> {
  return {
    actor: source.id,
    ...(source.remoteAddress ? { remoteAddress: source.remoteAddress } : {}),
    ...(source.remotePort ? { remotePort: source.remotePort } : {}),
  };
}

export class AuditTrail {
  readonly #log: AuditLogRepository;
  readonly #sink: SecurityEventSink;
  readonly #clock: Clock;
  readonly #logger: Logger;

  constructor(log: AuditLogRepository, sink: SecurityEventSink, clock: Clock, logger: Logger) {
    this.#log = log;
    this.#sink = sink;
    this.#clock = clock;
    this.#logger = logger;
  }

  async record(r: AuditRecord): Promise<void> {
    const at = this.#clock.now();
    this.#sink.emit({
      type: r.action,
      outcome: r.outcome,
      actor: r.actor,
      ...(r.tenantId ? { tenantId: r.tenantId } : {}),
      ...(r.remoteAddress ? { remoteAddress: r.remoteAddress } : {}),
      ...(r.remotePort ? { remotePort: r.remotePort } : {}),
      ...(typeof r.detail?.['method'] === 'string' ? { method: r.detail['method'] } : {}),
      detail: { ...(r.target ? { target: r.target } : {}), ...r.detail },
    });
    try {
      await this.#log.append({
        at,
        actor: r.actor,
        action: r.action,
        outcome: r.outcome,
        tenantId: r.tenantId ?? null,
        target: r.target ?? null,
        remoteAddress: r.remoteAddress ?? null,
        remotePort: r.remotePort ?? null,
        detail: r.detail ?? {},
      });
    } catch (err) {
      // The change it describes already happened; losing the row must be loud.
      this.#logger.error('audit entry could not be stored', {
        action: r.action,
        actor: r.actor,
        err: String(err),
      });
      throw err;
    }
  }
}
