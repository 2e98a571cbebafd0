/**
 * The location service (RFC 3261 §10.2): every live binding in memory for
 * routing, written through to the repository before a change is
 * acknowledged. Changes to one device are serialised, so two REGISTERs of
 * the same device never interleave their read-modify-write. Changes of
 * different devices that arrive while a write is in flight are committed
 * together in the next one (group commit): each caller still resolves only
 * once its change is durable, but a burst costs one transaction (one fsync)
 * instead of one per REGISTER. At start the unexpired bindings are loaded
 * and the expired ones purged; a sweep drops bindings as they expire.
 *
 * WS and WSS bindings live and die with their connection (RFC 7118 §5: a
 * WebSocket client is reachable only over the connection it opened): when
 * the transport reports the connection closed they are removed at once
 * (`dropConnection`), and at start the stored ones are purged, since no
 * connection outlives the process.
 *
 * Presence asks whether a user has a device registered, and hears when a
 * user's first device registers or their last binding goes (`onUserChange`).
 */
import { systemClock } from '@palisade/common';
import type { Clock, Logger, TimerHandle } from '@palisade/common';
import type {
  RegistrationBinding,
  RegistrationRepository,
} from '../ports/registration-repository.ts';

/** Transports whose bindings are reachable only over the connection that registered them. */
const CONNECTION_BOUND = new Set(['WS', 'WSS']);

export function isConnectionBound(transport: string): boolean {
  return CONNECTION_BOUND.has(transport);
}

/** A user's first device registered, or their last binding went. */
export interface UserRegistrationChange {
  readonly tenantId: string;
  readonly userId: string;
  readonly registered: boolean;
}

/** How long a closed connection is remembered, so a REGISTER still in flight over it binds nothing. */
const CLOSED_MEMORY_MS = 60_000;

interface PendingWrite {
  readonly upsert: readonly RegistrationBinding[];
  readonly remove: readonly string[];
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

export class LocationService {
  readonly #repository: RegistrationRepository;
  readonly #clock: Clock;
  readonly #logger: Logger | undefined;
  readonly #sweepMs: number;
  readonly #byDevice = new Map<string, readonly RegistrationBinding[]>();
  readonly #byAor = new Map<string, Set<string>>();
  /** Bindings per source address (for the intrusion detector: registered devices are not flood-banned). */
  readonly #bySource = new Map<string, number>();
  /** Devices with a binding over each WS/WSS connection. */
  readonly #byConnection = new Map<string, Set<string>>();
  /** Devices with bindings, per user. */
  readonly #byUser = new Map<string, Set<string>>();
  readonly #userListeners = new Set<(change: UserRegistrationChange) => void>();
  /** Connections closed lately, with when. */
  readonly #closedConnections = new Map<string, number>();
  readonly #queues = new Map<string, Promise<unknown>>();
  readonly #maxBatch: number;
  #pending: PendingWrite[] = [];
  #writing = false;
  #sweep: TimerHandle | null = null;
  #closed = false;

  constructor(options: {
    repository: RegistrationRepository;
    clock?: Clock;
    logger?: Logger;
    sweepIntervalMs?: number;
    /** Bindings written in one transaction at most; default 400. */
    maxBatch?: number;
  }) {
    this.#repository = options.repository;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger;
    this.#sweepMs = options.sweepIntervalMs ?? 30_000;
    this.#maxBatch = options.maxBatch ?? 400;
  }

  /** Purges expired bindings, loads the rest, and starts the expiry sweep. */
  async start(): Promise<number> {
    const now = this.#clock.now();
    await this.#repository.purgeExpired(now);
    const stored = await this.#repository.listUnexpired(now);
    const unreachable = stored.filter((b) => isConnectionBound(b.transport)).map((b) => b.id);
    if (unreachable.length > 0) await this.#repository.apply({ upsert: [], remove: unreachable });
    const live = stored.filter((b) => !isConnectionBound(b.transport));
    const grouped = new Map<string, RegistrationBinding[]>();
    for (const b of live) {
      const list = grouped.get(b.deviceId) ?? [];
      list.push(b);
      grouped.set(b.deviceId, list);
    }
    for (const [deviceId, list] of grouped) this.#set(deviceId, list);
    this.#scheduleSweep();
    return live.length;
  }

  #scheduleSweep(): void {
    if (this.#closed) return;
    this.#sweep = this.#clock.setTimeout(() => {
      void this.sweep().finally(() => this.#scheduleSweep());
    }, this.#sweepMs);
  }

  /** Drops expired bindings from memory and storage. */
  async sweep(): Promise<void> {
    const now = this.#clock.now();
    for (const [id, at] of this.#closedConnections)
      if (now - at > CLOSED_MEMORY_MS) this.#closedConnections.delete(id);
    for (const [deviceId, list] of [...this.#byDevice]) {
      const live = list.filter((b) => b.expiresAt > now);
      if (live.length !== list.length) this.#set(deviceId, live);
    }
    try {
      await this.#repository.purgeExpired(now);
    } catch (err) {
      this.#logger?.warn('expired registrations could not be purged', {
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }

  /** The live bindings of a device. */
  bindingsOf(deviceId: string): RegistrationBinding[] {
    const now = this.#clock.now();
    return (this.#byDevice.get(deviceId) ?? []).filter((b) => b.expiresAt > now);
  }

  /** Where an address-of-record can be reached now (RFC 3261 §10.2 "location service"). */
  lookup(aor: string): RegistrationBinding[] {
    const devices = this.#byAor.get(aor.toLowerCase());
    if (!devices) return [];
    return [...devices].flatMap((d) =>
      this.bindingsOf(d).filter((b) => b.aor.toLowerCase() === aor.toLowerCase()),
    );
  }

  /** Number of live bindings held. */
  get size(): number {
    let n = 0;
    for (const list of this.#byDevice.values()) n += list.length;
    return n;
  }

  /**
   * Runs `work` for a device with no other change of that device in
   * between; `work` returns the next binding list and what to write, and
   * the memory is updated only after the write has committed.
   */
  change<T>(
    deviceId: string,
    work: (current: RegistrationBinding[]) => Promise<{
      readonly next: readonly RegistrationBinding[];
      readonly upsert: readonly RegistrationBinding[];
      readonly remove: readonly string[];
      readonly result: T;
    }>,
  ): Promise<T> {
    const previous = this.#queues.get(deviceId) ?? Promise.resolve();
    const run = previous.then(async () => {
      const planned = await work(this.bindingsOf(deviceId));
      if (planned.upsert.length > 0 || planned.remove.length > 0) {
        await this.#write(planned.upsert, planned.remove);
        this.#set(deviceId, planned.next);
      }
      return planned.result;
    });
    const tail = run.catch(() => undefined);
    this.#queues.set(deviceId, tail);
    void tail.then(() => {
      if (this.#queues.get(deviceId) === tail) this.#queues.delete(deviceId);
    });
    return run;
  }

  /**
   * Resolves once the change is committed, together with whatever else is
   * waiting. The write starts on the next turn of the event loop, not at
   * once: a synchronous driver (better-sqlite3) would otherwise commit each
   * change alone before the next request is even read.
   */
  #write(upsert: readonly RegistrationBinding[], remove: readonly string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ upsert, remove, resolve, reject });
      if (!this.#writing) {
        this.#writing = true;
        setImmediate(() => void this.#drain());
      }
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#pending.length > 0) {
        const batch: PendingWrite[] = [];
        let size = 0;
        while (this.#pending.length > 0 && (batch.length === 0 || size < this.#maxBatch)) {
          const next = this.#pending.shift()!;
          size += next.upsert.length + next.remove.length;
          batch.push(next);
        }
        try {
          await this.#repository.apply({
            upsert: batch.flatMap((w) => w.upsert),
            remove: batch.flatMap((w) => w.remove),
          });
          for (const w of batch) w.resolve();
        } catch (err) {
          // one bad change must not sink the others: retry them one by one
          if (batch.length === 1) batch[0]!.reject(err);
          else
            for (const w of batch)
              await this.#repository
                .apply({ upsert: w.upsert, remove: w.remove })
                .then(w.resolve, w.reject);
        }
        // let the requests that arrived meanwhile join the next batch
        if (this.#pending.length > 0) await new Promise((r) => setImmediate(r));
      }
    } finally {
      this.#writing = false;
    }
  }

  /**
   * A connection closed: the WS/WSS bindings made over it are unreachable
   * from now on and are removed at once, in memory and storage. Changes
   * already queued for a device run first, and a REGISTER over this
   * connection that is still in flight binds nothing (`connectionClosed`).
   * Resolves with the bindings removed.
   */
  async dropConnection(connectionId: string): Promise<RegistrationBinding[]> {
    this.#closedConnections.set(connectionId, this.#clock.now());
    const devices = new Set([
      ...(this.#byConnection.get(connectionId) ?? []),
      // a first REGISTER over this connection may be between its work and its commit
      ...this.#queues.keys(),
    ]);
    const removed: RegistrationBinding[] = [];
    await Promise.all(
      [...devices].map((deviceId) =>
        this.change(deviceId, (current) => {
          const gone = current.filter((b) => b.connectionId === connectionId);
          removed.push(...gone);
          return Promise.resolve({
            next: current.filter((b) => b.connectionId !== connectionId),
            upsert: [],
            remove: gone.map((b) => b.id),
            result: undefined,
          });
        }),
      ),
    );
    return removed;
  }

  /** Whether this connection was reported closed (lately: remembered for a minute). */
  connectionClosed(connectionId: string): boolean {
    return this.#closedConnections.has(connectionId);
  }

  /** Whether a device of the user has a live binding. */
  isUserRegistered(userId: string): boolean {
    for (const deviceId of this.#byUser.get(userId) ?? [])
      if (this.bindingsOf(deviceId).length > 0) return true;
    return false;
  }

  /** Told when a user's first device gets bindings or their last device loses them; returns the undo. */
  onUserChange(listener: (change: UserRegistrationChange) => void): () => void {
    this.#userListeners.add(listener);
    return () => this.#userListeners.delete(listener);
  }

  /** Whether a registered, authenticated device has a binding from this address. O(1). */
  hasSource(address: string): boolean {
    return this.#bySource.has(address);
  }

  #set(deviceId: string, list: readonly RegistrationBinding[]): void {
    const owner = (this.#byDevice.get(deviceId) ?? list)[0];
    const wasRegistered = owner !== undefined && this.#byUser.has(owner.userId);
    for (const b of this.#byDevice.get(deviceId) ?? []) {
      const n = (this.#bySource.get(b.sourceAddress) ?? 0) - 1;
      if (n > 0) this.#bySource.set(b.sourceAddress, n);
      else this.#bySource.delete(b.sourceAddress);
      const key = b.aor.toLowerCase();
      const set = this.#byAor.get(key);
      set?.delete(deviceId);
      if (set?.size === 0) this.#byAor.delete(key);
      if (b.connectionId !== undefined) {
        const devices = this.#byConnection.get(b.connectionId);
        devices?.delete(deviceId);
        if (devices?.size === 0) this.#byConnection.delete(b.connectionId);
      }
    }
    if (list.length === 0) this.#byDevice.delete(deviceId);
    else this.#byDevice.set(deviceId, list);
    for (const b of list) {
      this.#bySource.set(b.sourceAddress, (this.#bySource.get(b.sourceAddress) ?? 0) + 1);
      const key = b.aor.toLowerCase();
      let set = this.#byAor.get(key);
      if (!set) this.#byAor.set(key, (set = new Set()));
      set.add(deviceId);
      if (b.connectionId !== undefined) {
        let devices = this.#byConnection.get(b.connectionId);
        if (!devices) this.#byConnection.set(b.connectionId, (devices = new Set()));
        devices.add(deviceId);
      }
    }
    if (owner !== undefined) this.#setUserDevice(owner, deviceId, list.length > 0, wasRegistered);
  }

  #setUserDevice(
    owner: RegistrationBinding,
    deviceId: string,
    has: boolean,
    wasRegistered: boolean,
  ): void {
    let devices = this.#byUser.get(owner.userId);
    if (has) {
      if (!devices) this.#byUser.set(owner.userId, (devices = new Set()));
      devices.add(deviceId);
    } else {
      devices?.delete(deviceId);
      if (devices?.size === 0) this.#byUser.delete(owner.userId);
    }
    const registered = this.#byUser.has(owner.userId);
    if (registered === wasRegistered) return;
    for (const listener of this.#userListeners) {
      try {
        listener({ tenantId: owner.tenantId, userId: owner.userId, registered });
      } catch (err) {
        this.#logger?.warn('registration listener failed', {
          error: err instanceof Error ? err.message : String(err),
        });
      }
    }
  }

  close(): void {
    this.#closed = true;
    this.#sweep?.cancel();
    this.#sweep = null;
  }
}
