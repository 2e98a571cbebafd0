/**
 * Call detail records for the console and the API: listing with filters
 * (an actor sees its own tenant only) and CSV export. CSV cells are quoted
 * (RFC 4180) and a cell that a spreadsheet would run as a formula (starting
 * with = + - @, tab or carriage return) gets a leading apostrophe (OWASP
 * "CSV injection").
 */
import type { Actor } from '../directory/actor.ts';
import { assertTenantVisible } from '../directory/actor.ts';
import type { Cdr, CdrFilter, CdrRepository } from '../ports/cdr-repository.ts';
import type { ListOptions } from '../ports/list-options.ts';

export const CDR_CSV_COLUMNS = [
  'id',
  'callId',
  'caller',
  'callee',
  'callClass',
  'callerUserId',
  'callerDeviceId',
  'calleeUserId',
  'calleeDeviceId',
  'startedAt',
  'answeredAt',
  'endedAt',
  'durationSeconds',
  'disposition',
  'hangupCause',
  'causeSide',
] as const satisfies readonly (keyof Cdr)[];

const TIMES = new Set<string>(['startedAt', 'answeredAt', 'endedAt']);

/** One CSV cell: formula triggers neutralised, quoted when needed. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function cdrsToCsv(cdrs: readonly Cdr[]): string {
  const lines = [CDR_CSV_COLUMNS.join(',')];
  for (const cdr of cdrs) {
    lines.push(
      CDR_CSV_COLUMNS.map((column) => {
        const v = cdr[column];
        if (v === null) return '';
        if (TIMES.has(column) && typeof v === 'number') return new Date(v).toISOString();
        return csvCell(String(v));
      }).join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

export class CdrService {
  readonly #repository: CdrRepository;

  constructor(repository: CdrRepository) {
    this.#repository = repository;
  }

  list(actor: Actor, filter: CdrFilter, options?: ListOptions): Promise<Cdr[]> {
    assertTenantVisible(actor, filter.tenantId, 'tenant');
    return this.#repository.list(filter, options);
  }

  async csv(actor: Actor, filter: CdrFilter, options?: ListOptions): Promise<string> {
    return cdrsToCsv(await this.list(actor, filter, options));
  }
}
