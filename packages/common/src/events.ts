/**
 * A small typed event emitter: listeners get exactly the payload type their
 * event declares. A listener that throws does not stop the others; the
 * failures are rethrown together once every listener has run.
 */
export type EventMap = Record<string, unknown>;

export class TypedEmitter<E extends EventMap> {
  #listeners = new Map<keyof E, Set<(payload: never) => void>>();

  on<K extends keyof E>(event: K, listener: (payload: E[K]) => void): () => void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  emit<K extends keyof E>(event: K, payload: E[K]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    const failures: unknown[] = [];
    for (const listener of [...set]) {
      try {
        (listener as (p: E[K]) => void)(payload);
      } catch (err) {
        failures.push(err);
      }
    }
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1)
      throw new AggregateError(failures, `listeners of ${String(event)} failed`);
  }
}
