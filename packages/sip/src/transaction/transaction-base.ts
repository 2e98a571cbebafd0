/**
 * What every transaction shares: its state machine, its named timers (all
 * cleared on termination or close), and sending through the transport with
 * transport errors routed back into the machine.
 */
import type { Clock, PalisadeError, TimerHandle } from '@palisade/common';
import type { SipMessage } from '../message/sip-message.ts';
import { StateMachine } from './state-machine.ts';
import type { TransitionTable } from './state-machine.ts';
import { timerDurations } from './timer-config.ts';
import type { TimerConfig, TimerName } from './timer-config.ts';
import type { Destination, SipTransport } from './transport.ts';

export interface TransactionContext {
  readonly transport: SipTransport;
  readonly clock: Clock;
  readonly timers: TimerConfig;
  /** Called once when the transaction reaches Terminated, so its owner forgets it. */
  readonly onTerminated: (transaction: TransactionBase<string>) => void;
}

export abstract class TransactionBase<S extends string> {
  /** What the transaction is, for error messages ("non-INVITE server transaction"). */
  protected readonly name: string;
  readonly key: string;
  readonly destination: Destination;
  protected readonly ctx: TransactionContext;
  protected readonly durations: ReturnType<typeof timerDurations>;
  readonly #machine: StateMachine<S | 'terminated'>;
  readonly #timers = new Map<TimerName, TimerHandle>();

  constructor(
    name: string,
    key: string,
    destination: Destination,
    ctx: TransactionContext,
    initial: S,
    table: TransitionTable<S | 'terminated'>,
  ) {
    this.name = name;
    this.key = key;
    this.destination = destination;
    this.ctx = ctx;
    this.durations = timerDurations(ctx.timers, destination.reliable);
    this.#machine = new StateMachine<S | 'terminated'>(name, initial, table);
  }

  get state(): S | 'terminated' {
    return this.#machine.state;
  }

  get terminated(): boolean {
    return this.#machine.state === 'terminated';
  }

  /** Names of the timers currently running (for tests and diagnostics). */
  get runningTimers(): readonly TimerName[] {
    return [...this.#timers.keys()];
  }

  protected transition(to: S | 'terminated'): void {
    this.#machine.transition(to);
    if (to === 'terminated') {
      this.#clearTimers();
      this.ctx.onTerminated(this);
      this.onTerminated();
    }
  }

  /** Hook for subclasses to tell their user; runs once. */
  protected abstract onTerminated(): void;

  protected abstract onTransportError(error: PalisadeError): void;

  /** Starts (or restarts) a timer; a zero duration runs `fire` at once. */
  protected startTimer(name: TimerName, ms: number, fire: () => void): void {
    this.cancelTimer(name);
    if (ms <= 0) {
      fire();
      return;
    }
    this.#timers.set(
      name,
      this.ctx.clock.setTimeout(() => {
        this.#timers.delete(name);
        if (!this.terminated) fire();
      }, ms),
    );
  }

  protected cancelTimer(name: TimerName): void {
    this.#timers.get(name)?.cancel();
    this.#timers.delete(name);
  }

  protected send(message: SipMessage): void {
    this.ctx.transport.send(message, this.destination, (error) => {
      if (!this.terminated) this.onTransportError(error);
    });
  }

  #clearTimers(): void {
    for (const t of this.#timers.values()) t.cancel();
    this.#timers.clear();
  }

  /** Ends the transaction without telling anyone (owner shutdown). Idempotent. */
  close(): void {
    this.#clearTimers();
    if (!this.terminated) this.#machine.transition('terminated');
  }
}
