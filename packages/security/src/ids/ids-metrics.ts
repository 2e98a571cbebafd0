/**
 * Counters per detector rule and action, for the monitoring work to export
 * (Prometheus names: `palisade_ids_events_total{rule,action}`,
 * `palisade_ids_bans_total{origin}`, `palisade_ids_dropped_total{service}`).
 * A plain registry with no dependency: the exporter reads `snapshot()`.
 */
export interface IdsCounterSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export class IdsMetrics {
  readonly #counters = new Map<
    string,
    { name: string; labels: Record<string, string>; value: number }
  >();

  inc(name: string, labels: Record<string, string>, by = 1): void {
    // built without intermediate arrays: this runs for every SIP request
    let key = `${name}{`;
    for (const k in labels) key += `${k}=${labels[k]},`;
    const c = this.#counters.get(key);
    if (c) c.value += by;
    else this.#counters.set(key, { name, labels: { ...labels }, value: by });
  }

  get(name: string, labels: Record<string, string>): number {
    let total = 0;
    for (const c of this.#counters.values())
      if (c.name === name && Object.entries(labels).every(([k, v]) => c.labels[k] === v))
        total += c.value;
    return total;
  }

  snapshot(): IdsCounterSample[] {
    return [...this.#counters.values()].map((c) => ({ ...c, labels: { ...c.labels } }));
  }
}
