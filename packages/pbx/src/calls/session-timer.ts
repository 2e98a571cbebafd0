/**
 * Session timers of a call (RFC 4028): the refresh clock of one call (§10:
 * we are the refresher on both legs and refresh at half the session
 * interval; a refresh the phones make themselves, re-INVITE or UPDATE,
 * restarts the clock), the interval we grant, the headers that say so and
 * the refresh of the legs.
 */
import type { Clock, TimerHandle } from '@palisade/common';
import type { ExtraHeaders, SipRequest } from '@palisade/sip';
import type { DialogLeg } from './dialog-leg.ts';

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

/** The caller asked for a Session-Expires below our Min-SE (RFC 4028 §8.1: answered 422). */
export function intervalTooSmall(invite: SipRequest, minSessionExpires: number): boolean {
  const se = invite.first('session-expires');
  return se !== undefined && se.seconds < minSessionExpires;
}

/** The session interval of a call: the caller's Session-Expires, at most ours (seconds). */
export function sessionInterval(invite: SipRequest, ours: number): number {
  const asked = invite.first('session-expires')?.seconds;
  return asked === undefined ? ours : Math.min(asked, ours);
}

/** The session-timer headers of our 2xx to the caller: we refresh (RFC 4028 §9); Require only if it supports timer. */
export function callerTimerHeaders(invite: SipRequest, interval: number): ExtraHeaders {
  return invite.header('supported').some((t) => t.toLowerCase() === 'timer')
    ? [
        ['Session-Expires', `${interval};refresher=uas`],
        ['Require', 'timer'],
      ]
    : [['Session-Expires', `${interval};refresher=uas`]];
}

/**
 * Refreshes the session on every leg (refresher=uas towards the caller, uac
 * towards the callee): UPDATE without a body where the phone allows it
 * (§9), else a re-INVITE with the SDP it already has. False when a leg does
 * not answer or says 481/408: it is dead (§10).
 */
export async function refreshLegs(legs: readonly DialogLeg[], interval: number): Promise<boolean> {
  const results = await Promise.all(
    legs.map((leg) =>
      leg.allowsUpdate
        ? leg.request('UPDATE', { headers: [['Session-Expires', `${interval};refresher=uac`]] })
        : leg.request('INVITE', {
            body: leg.lastSdp,
            headers: [['Session-Expires', `${interval};refresher=uac`]],
          }),
    ),
  );
  return !results.some(
    (r) => r.origin !== 'network' || r.response.status === 481 || r.response.status === 408,
  );
}
