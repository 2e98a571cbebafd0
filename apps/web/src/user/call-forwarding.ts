/**
 * The signed-in user's do-not-disturb and forwarding, kept on the server
 * (`/api/v1/me/call-forwarding`) so every phone of the user is covered:
 * with do-not-disturb on, callers get busy (or the "when busy" forward).
 */
import { api } from '../api/api-client.ts';
import { inPlainWords } from '../api/field-errors.ts';
import type { CallForwarding } from '../api/types.ts';

const URL = '/api/v1/me/call-forwarding';

export const FORWARD_WORDS = {
  unconditional: 'Forward every call to',
  busy: 'When busy, forward to',
  noAnswer: 'When not answered, forward to',
  doNotDisturb: 'Do not disturb',
} as const;

export function loadForwarding(): Promise<CallForwarding> {
  return api<CallForwarding>('GET', URL);
}

/** Replaces the settings; a refused field comes back in the form's words. */
export async function saveForwarding(next: CallForwarding): Promise<CallForwarding> {
  try {
    return await api<CallForwarding>('PUT', URL, next);
  } catch (err) {
    throw inPlainWords(err, (path) =>
      path in FORWARD_WORDS ? FORWARD_WORDS[path as keyof typeof FORWARD_WORDS] : undefined,
    );
  }
}
