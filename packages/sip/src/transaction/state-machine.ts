/**
 * A protocol state machine: a string-union state and one `transition()` that
 * refuses any move its table does not list. An illegal move is a bug in the
 * caller, so it throws a plain Error rather than a PalisadeError.
 */
export type TransitionTable<S extends string> = { readonly [K in S]: readonly S[] };

export class StateMachine<S extends string> {
  readonly #table: TransitionTable<S>;
  readonly #name: string;
  #state: S;

  constructor(name: string, initial: S, table: TransitionTable<S>) {
    this.#name = name;
    this.#state = initial;
    this.#table = table;
  }

  get state(): S {
    return this.#state;
  }

  canTransition(to: S): boolean {
    return this.#table[this.#state].includes(to);
  }

  transition(to: S): void {
    if (!this.canTransition(to)) {
      throw new Error(`${this.#name}: illegal transition ${this.#state} -> ${to}`);
    }
    this.#state = to;
  }
}
