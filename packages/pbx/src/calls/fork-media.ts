/**
 * The media of a call while it rings: one media session per transport
 * class among the branches (a user's browser and desk phone ringing at
 * once need different offers, and a session holds one offer at a time).
 * The caller's offer goes into every session as leg `a`; each branch gets
 * the offer of its class. When a branch answers, its class's session
 * becomes the call's and the others are deleted; most calls ring one class
 * and so have one session from the start.
 *
 *   ringing ──keep(class)──▶ kept (one session, owned by the call from then on)
 *      └─────close()───────▶ closed (every session deleted)
 */
import type { MediaEngine, MediaSession, MediaTransport, OfferOptions } from '@palisade/media';

export class ForkMedia {
  readonly #engine: MediaEngine;
  readonly #callId: string;
  readonly #sessions = new Map<MediaTransport, MediaSession>();
  #done = false;
  #classes = 0;

  constructor(engine: MediaEngine, callId: string) {
    this.#engine = engine;
    this.#callId = callId;
  }

  /**
   * A fresh offer of `sdp` (from leg a) for each class: a class whose offer
   * the engine refuses maps to its error, so the others can still ring.
   */
  async offer(
    classes: ReadonlySet<MediaTransport>,
    sdp: string,
    options: Omit<OfferOptions, 'transport'>,
  ): Promise<Map<MediaTransport, string | Error>> {
    const out = new Map<MediaTransport, string | Error>();
    this.#classes = classes.size;
    for (const transport of classes) {
      try {
        const session = await this.#session(transport);
        out.set(transport, await session.offer('a', sdp, { ...options, transport }));
      } catch (err) {
        out.set(transport, err instanceof Error ? err : new Error(String(err)));
      }
    }
    return out;
  }

  /** How many classes the last offer was made in (one session each). */
  get classes(): number {
    return this.#classes;
  }

  /** The session of a class this call has offered in. */
  session(transport: MediaTransport): MediaSession | undefined {
    return this.#sessions.get(transport);
  }

  /** A branch of `transport` answered: its session is the call's; the others are deleted. */
  async keep(transport: MediaTransport): Promise<MediaSession> {
    const kept = this.#sessions.get(transport);
    if (!kept || this.#done) throw new Error(`no media session of class ${transport} to keep`);
    this.#done = true;
    this.#sessions.delete(transport);
    await this.close();
    return kept;
  }

  /** Deletes every session not kept; idempotent. */
  async close(): Promise<void> {
    this.#done = true;
    const sessions = [...this.#sessions.values()];
    this.#sessions.clear();
    await Promise.all(sessions.map((s) => s.delete().catch(() => undefined)));
  }

  async #session(transport: MediaTransport): Promise<MediaSession> {
    if (this.#done) throw new Error('the ringing media is closed');
    const known = this.#sessions.get(transport);
    if (known) return known;
    const session = await this.#engine.createSession(this.#callId);
    // closed while the engine was creating it: nobody else will delete it
    if (this.#done) {
      await session.delete().catch(() => undefined);
      throw new Error('the ringing media is closed');
    }
    this.#sessions.set(transport, session);
    return session;
  }
}
