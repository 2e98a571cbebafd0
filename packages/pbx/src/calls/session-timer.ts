/**
 * The refresh clock of one call (RFC 4028 §10): we are the refresher on
 * both legs and refresh at half the session interval. A refresh the phones
 * make themselves (re-INVITE, UPDATE) restarts the clock.
 */
import type { Clock, TimerHandle } from '@palisade/common';
import type { SipRequest } from '@palisade/sip';

export class SessionTimer {
  readonly #clock: Clock;
  readonly #halfMs: number;
  readonly #refresh: () => Promise<void>;
  #timer: TimerHandle | undefined;
  #closed = false;

  constructor(clock: Clock, intervalSeconds: number, refresh: () => Promise<void>) {
    this.#clock = clock;
    this.#halfMs = (intervalSeconds * 1000) / 2;
    this.#refresh = refresh;
    this.#arm();
  }

  #arm(): void {
    if (this.#closed) return;
    this.#timer?.cancel();
    this.#timer = this.#clock.setTimeout(() => {
      void this.#refresh().finally(() => this.#arm());
    }, this.#halfMs);
  }

  /** A refresh happened some other way: start the half interval again. */
  refreshed(): void {
    this.#arm();
  }

  close(): void {
    this.#closed = true;
    this.#timer?.cancel();
    this.#timer = undefined;
  }
}

/** The session interval of a call: the caller's Session-Expires, at most ours (seconds). */
export function sessionInterval(invite: SipRequest, ours: number): number {
  const asked = invite.first('session-expires')?.seconds;
  return asked === undefined ? ours : Math.min(asked, ours);
}
