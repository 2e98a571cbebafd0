/**
 * Known SIP scanner user agents. Requests from them are dropped without an
 * answer (a scanner learns nothing, not even that something listens) and
 * reported as `scanner`. Matching is a case-insensitive substring test on
 * the User-Agent (and for responses the Server) header.
 */
export const DEFAULT_SCANNER_USER_AGENTS: readonly string[] = [
  'friendly-scanner',
  'sipvicious',
  'sipcli',
  'vaxsipuseragent',
  'pplsip',
  'sip-scan',
  'sundayddr',
];

export class ScannerUserAgents {
  readonly #needles: readonly string[];

  /** `extra` adds to the built-in list (configuration `ids.scannerUserAgents`). */
  constructor(extra: readonly string[] = [], builtIn = DEFAULT_SCANNER_USER_AGENTS) {
    this.#needles = [...builtIn, ...extra]
      .map((s) => s.trim().toLowerCase())
      .filter((s) => s.length > 0)
      .slice(0, 256);
  }

  matches(userAgent: string | undefined | null): boolean {
    if (!userAgent) return false;
    const ua = userAgent.slice(0, 512).toLowerCase();
    return this.#needles.some((n) => ua.includes(n));
  }
}
