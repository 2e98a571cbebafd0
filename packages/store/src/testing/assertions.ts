import { isPalisadeError } from '@palisade/common';
import type { ErrorCode } from '@palisade/common';

/** An assert.rejects validator: a PalisadeError with `code` (and `details.field` when given). */
export function palisadeError(code: ErrorCode, field?: string): (err: unknown) => boolean {
  return (err) =>
    isPalisadeError(err, code) && (field === undefined || err.details?.['field'] === field);
}
