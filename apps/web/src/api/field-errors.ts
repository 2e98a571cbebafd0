/**
 * The server names a refused field by its path (`ringGroups[0].members[1]:
 * no user has extension 1099`); a page turns that path into the words on
 * its form ("Ring group 600, members: no user has extension 1099").
 */
import { ApiError } from './api-client.ts';

/** The error with its field path replaced by `label(path)`, when the page knows the path. */
export function inPlainWords(err: unknown, label: (path: string) => string | undefined): unknown {
  if (!(err instanceof ApiError)) return err;
  const m = /^([A-Za-z]+(?:\[\d+\])?(?:\.[A-Za-z]+(?:\[\d+\])?)*): (.+)$/.exec(err.message);
  const words = m ? label(m[1]!) : undefined;
  if (!m || words === undefined) return err;
  return new ApiError(err.status, err.code, `${words}: ${m[2]!}`, err.details);
}
