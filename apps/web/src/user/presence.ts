/**
 * Presence, kept on the server: my status (`/api/v1/me/presence`; do not
 * disturb is the same switch as on My calls, so every phone of mine gives
 * callers busy) and my colleagues' (`/api/v1/presence`), with the words and
 * the lamp colour the app shows for each.
 */
import { api } from '../api/api-client.ts';
import type { PresenceEntry, PresenceStatus } from '../api/types.ts';

export const STATUS_WORDS: Readonly<Record<PresenceStatus, string>> = {
  available: 'Available',
  away: 'Away',
  busy: 'Busy',
  dnd: 'Do not disturb',
};

export function loadMyPresence(): Promise<PresenceEntry> {
  return api<PresenceEntry>('GET', '/api/v1/me/presence');
}

export function setMyPresence(status: PresenceStatus): Promise<PresenceEntry> {
  return api<PresenceEntry>('PUT', '/api/v1/me/presence', { status });
}

export function loadColleagues(): Promise<PresenceEntry[]> {
  return api<PresenceEntry[]>('GET', '/api/v1/presence?limit=1000');
}

/** What a colleague's lamp says: calls and do-not-disturb first, then the status they set. */
export function lampOf(p: PresenceEntry): { readonly words: string; readonly lamp: string } {
  if (p.status === 'dnd') return { words: STATUS_WORDS.dnd, lamp: 'dnd' };
  if (p.onCall) return { words: 'On the phone', lamp: 'busy' };
  if (p.ringing) return { words: 'Ringing', lamp: 'ringing' };
  if (!p.registered) return { words: 'Offline', lamp: 'offline' };
  return { words: STATUS_WORDS[p.status], lamp: p.status === 'available' ? 'available' : 'busy' };
}
