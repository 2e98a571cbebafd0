/**
 * The states of one call through the B2BUA and the moves between them (the
 * diagram is in call.ts, whose `Call` drives them).
 */
import type { TransitionTable } from '@palisade/sip';

export type CallState = 'routing' | 'ringing' | 'answering' | 'confirmed' | 'ending' | 'ended';

export const CALL_TRANSITIONS: TransitionTable<CallState> = {
  routing: ['ringing', 'ended'],
  ringing: ['answering', 'ended'],
  answering: ['confirmed', 'ending'],
  confirmed: ['ending'],
  ending: ['ended'],
  ended: [],
};

/** A call whose media is set up: in-dialog offers and session refreshes apply. */
export const isAnswered = (state: CallState): boolean =>
  state === 'answering' || state === 'confirmed';
