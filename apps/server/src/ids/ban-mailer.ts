/**
 * E-mail about bans: an alert when a ban starts, at most one per interval
 * (bans meanwhile are gathered into the next one), and a daily summary.
 * Addresses and rule names only; never a password or a secret.
 */
import type { Clock, Logger, TimerHandle } from '@palisade/common';
import type { AttemptLog, Ban, MailSender } from '@palisade/security';

const DAY = 24 * 60 * 60 * 1000;

export interface BanMailerOptions {
  readonly to: string;
  readonly intervalMs: number;
  readonly host: string;
}

export class BanMailer {
  readonly #mailer: MailSender;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #o: BanMailerOptions;
  readonly #attempts: AttemptLog;
  #pending: Ban[] = [];
  #lastSentAt = Number.NEGATIVE_INFINITY;
  #flushTimer: TimerHandle | null = null;
  #dailyTimer: TimerHandle | null = null;
  #bansToday = 0;

  constructor(
    mailer: MailSender,
    attempts: AttemptLog,
    clock: Clock,
    logger: Logger,
    o: BanMailerOptions,
  ) {
    this.#mailer = mailer;
    this.#attempts = attempts;
    this.#clock = clock;
    this.#logger = logger;
    this.#o = o;
  }

  banned(ban: Ban): void {
    this.#bansToday++;
    if (this.#pending.length < 100) this.#pending.push(ban);
    const wait = this.#lastSentAt + this.#o.intervalMs - this.#clock.monotonic();
    if (wait <= 0) this.#flush();
    else this.#flushTimer ??= this.#clock.setTimeout(() => this.#flush(), wait);
  }

  startDaily(): void {
    const tick = (): void => {
      this.#summary();
      this.#dailyTimer = this.#clock.setTimeout(tick, DAY);
    };
    this.#dailyTimer = this.#clock.setTimeout(tick, DAY);
  }

  #flush(): void {
    this.#flushTimer = null;
    if (this.#pending.length === 0) return;
    const bans = this.#pending;
    this.#pending = [];
    this.#lastSentAt = this.#clock.monotonic();
    const lines = bans.map(
      (b) =>
        `${b.address}  rule ${b.rule}  offence ${b.offence}  until ${b.expiresAt === null ? 'lifted' : new Date(b.expiresAt).toISOString()}`,
    );
    this.#send(
      bans.length === 1
        ? `[Palisade ${this.#o.host}] banned ${bans[0]?.address}`
        : `[Palisade ${this.#o.host}] ${bans.length} new bans`,
      `New bans on ${this.#o.host}:\n\n${lines.join('\n')}\n\nSee the intrusion report in the console.\n`,
    );
  }

  #summary(): void {
    const top = this.#attempts.top(10);
    const totals = this.#attempts.totals();
    const text = [
      `Intrusion summary for ${this.#o.host}, last 24 hours`,
      '',
      `New bans: ${this.#bansToday}`,
      `Attempts by service: ${
        Object.entries(totals.byService)
          .map(([s, n]) => `${s} ${n}`)
          .join(', ') || 'none'
      }`,
      '',
      'Top sources:',
      ...top.map(
        (t) => `  ${t.source}  ${t.total} attempts  ${Object.keys(t.users).length} user names`,
      ),
      '',
    ].join('\n');
    this.#bansToday = 0;
    this.#send(`[Palisade ${this.#o.host}] daily intrusion summary`, text);
  }

  #send(subject: string, text: string): void {
    this.#mailer
      .send({ to: this.#o.to, subject, text })
      .catch((err: unknown) =>
        this.#logger.warn('intrusion e-mail not sent', { error: String(err).slice(0, 200) }),
      );
  }

  close(): void {
    this.#flushTimer?.cancel();
    this.#dailyTimer?.cancel();
  }
}
