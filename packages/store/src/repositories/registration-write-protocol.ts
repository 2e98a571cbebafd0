/** The messages between the store and its registration write worker. */
import type { RegistrationBinding } from '@palisade/pbx';

export type WriteOp =
  | {
      readonly op: 'apply';
      readonly upsert: readonly RegistrationBinding[];
      readonly remove: readonly string[];
    }
  | { readonly op: 'purge'; readonly now: number };

export type WriteRequest = WriteOp & { readonly id: number };

/** `result`: rows deleted by a purge, 0 for apply. */
export type WriteReply =
  | { readonly id: number; readonly ok: true; readonly result: number }
  | { readonly id: number; readonly ok: false; readonly message: string; readonly code?: string };
