/** What a directory sync did (or, in a dry run, would do). */
export interface LdapSyncReport {
  readonly dryRun: boolean;
  readonly seen: number;
  readonly created: readonly string[];
  readonly updated: readonly { readonly username: string; readonly changes: readonly string[] }[];
  readonly disabled: readonly {
    readonly username: string;
    readonly reason: 'gone' | 'disabled-in-directory';
  }[];
  readonly unchanged: number;
  /** Not acted on, with why (e.g. a name already taken by a local account). */
  readonly skipped: readonly { readonly username: string; readonly reason: string }[];
  readonly error: string | null;
}
