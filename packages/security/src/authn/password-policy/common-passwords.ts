/**
 * The blocklist of common passwords: the `passwords-common` dictionary of
 * @zxcvbn-ts/language-common (MIT; about 49 000 entries, lower-case, ranked
 * by frequency in breach corpora). Loaded on first use only, since it costs
 * about a megabyte and a tenth of a second.
 */
let loading: Promise<ReadonlySet<string>> | undefined;

export function loadCommonPasswords(): Promise<ReadonlySet<string>> {
  loading ??= import('@zxcvbn-ts/language-common').then(
    (m) => new Set(m.dictionary['passwords-common'].map((p) => p.toLowerCase())),
  );
  return loading;
}
