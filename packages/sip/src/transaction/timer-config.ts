/**
 * RFC 3261 §17 timer values (Table 4 in Appendix A) and those of RFC 6026.
 * T1, T2 and T4 are configurable; every other timer derives from them.
 */
export interface TimerConfig {
  /** RTT estimate, default 500 ms. */
  readonly t1: number;
  /** Maximum retransmission interval for non-INVITE requests and INVITE responses, default 4 s. */
  readonly t2: number;
  /** Maximum time a message stays in the network, default 5 s. */
  readonly t4: number;
}

export const DEFAULT_TIMERS: TimerConfig = Object.freeze({ t1: 500, t2: 4000, t4: 5000 });

export function resolveTimers(partial: Partial<TimerConfig> | undefined): TimerConfig {
  const t = { ...DEFAULT_TIMERS, ...partial };
  for (const [name, v] of Object.entries(t)) {
    if (!Number.isFinite(v) || v <= 0)
      throw new RangeError(`timer ${name} must be a positive number of ms`);
  }
  return t;
}

const computed = new WeakMap<TimerConfig, { reliable: Durations; unreliable: Durations }>();

/**
 * Timer durations in ms for one transaction, given its transport's
 * reliability. Worked out once per configuration: every transaction of a
 * layer shares the same two (frozen) objects.
 */
export function timerDurations(t: TimerConfig, reliable: boolean): Durations {
  let pair = computed.get(t);
  if (!pair) {
    pair = {
      reliable: Object.freeze(durations(t, true)),
      unreliable: Object.freeze(durations(t, false)),
    };
    computed.set(t, pair);
  }
  return reliable ? pair.reliable : pair.unreliable;
}

type Durations = ReturnType<typeof durations>;

function durations(t: TimerConfig, reliable: boolean) {
  return {
    /** INVITE request retransmit, initial (unreliable only). */
    A: t.t1,
    /** INVITE transaction timeout. */
    B: 64 * t.t1,
    /** Wait for response retransmits (at least 32 s over UDP). */
    D: reliable ? 0 : Math.max(32_000, 64 * t.t1),
    /** Non-INVITE request retransmit, initial (unreliable only). */
    E: t.t1,
    /** Non-INVITE transaction timeout. */
    F: 64 * t.t1,
    /** INVITE response retransmit, initial (unreliable only). */
    G: t.t1,
    /** Wait for ACK receipt. */
    H: 64 * t.t1,
    /** Wait for ACK retransmits. */
    I: reliable ? 0 : t.t4,
    /** Wait for non-INVITE request retransmits. */
    J: reliable ? 0 : 64 * t.t1,
    /** Wait for non-INVITE response retransmits. */
    K: reliable ? 0 : t.t4,
    /** RFC 6026: INVITE server waits in Accepted for INVITE retransmits. */
    L: 64 * t.t1,
    /** RFC 6026: INVITE client waits in Accepted for 2xx retransmits. */
    M: 64 * t.t1,
    /** §17.2.1: send 100 Trying unless the TU answers within 200 ms. */
    TRYING: 200,
  } as const;
}

export type TimerName = keyof Durations;
