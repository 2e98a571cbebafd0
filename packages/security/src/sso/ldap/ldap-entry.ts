/** A person as a directory describes them, after attribute mapping. */
export interface LdapPerson {
  readonly dn: string;
  /** Stable id (objectGUID as hex, entryUUID), or the DN when the directory has none. */
  readonly uniqueId: string;
  readonly username: string;
  readonly email: string | null;
  readonly displayName: string;
  readonly phone: string | null;
  /** Group DNs, lower-cased. */
  readonly groups: readonly string[];
  /** Disabled in the directory (AD userAccountControl bit 2). */
  readonly disabled: boolean;
}
