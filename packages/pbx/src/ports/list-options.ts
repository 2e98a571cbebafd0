/** Paging for list queries. Implementations cap `limit` (see MAX_LIST_LIMIT). */
export interface ListOptions {
  /** How many rows at most; defaults to DEFAULT_LIST_LIMIT, capped at MAX_LIST_LIMIT. */
  readonly limit?: number;
  /** How many rows to skip in the stable order of the list. */
  readonly offset?: number;
}

export const DEFAULT_LIST_LIMIT = 500;
export const MAX_LIST_LIMIT = 1000;
