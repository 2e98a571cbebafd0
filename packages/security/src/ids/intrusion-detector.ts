/**
 * The one place that decides. Detectors in the stacks call `report(event)`;
 * the detector counts the event against the rules its kind feeds (sliding
 * windows per source, or per (source, user)), and when a rule's limit is
 * exceeded applies the rule's action: ban (through `BanService`), alert,
 * or ignore. Flood rules never ban a trusted network or an address with a
 * registered, authenticated device; for those the events are counted per
 * (source, user) and can only alert.
 *
 * `report` is synchronous and cheap; the ban is written in the background.
 * It answers whether the caller should drop what it was handling (the
 * source is banned, or the event is one that is always dropped: scanners).
 */
import type { Clock, Logger } from '@palisade/common';
import { AttemptLog } from './attempt-log.ts';
import type { BanService } from './ban-service.ts';
import type { IdsEvent } from './ids-event.ts';
import type { IdsMetrics } from './ids-metrics.ts';
import { FLOOD_RULES, rulesFor } from './ids-policy.ts';
import type { IdsAction, IdsPolicyConfig, IdsRule, IdsRuleName } from './ids-policy.ts';
import { normalizeAddress } from './normalize-address.ts';
import { SlidingWindowCounter } from './sliding-window.ts';
import type { TrustedNetworks } from './trusted-networks.ts';

export interface IdsAlert {
  readonly source: string;
  readonly rule: IdsRuleName;
  readonly action: IdsAction;
  readonly event: IdsEvent;
  /** Why a ban became an alert: the source is trusted or has a registered device. */
  readonly exempt?: 'trusted' | 'registered';
}

/** Addresses with a currently registered, authenticated device (the registrar knows). */
export interface RegisteredSources {
  has(address: string): boolean;
}

export interface IntrusionDetectorOptions {
  readonly bans: BanService;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: IdsMetrics;
  readonly trusted: TrustedNetworks;
  readonly registered?: RegisteredSources;
  /** The policy for an event (its tenant's, or the system's when it has none). */
  readonly policyFor: (tenantId: string | undefined) => IdsPolicyConfig;
  /** Rules that fired with action `alert` (or a ban downgraded for an exempt source). */
  readonly onAlert?: (alert: IdsAlert) => void;
  /**
   * Every attempt (any kind but `request` and `handshake`) from a source
   * that is not banned yet, for the security event stream (syslog).
   */
  readonly onAttempt?: (source: string, event: IdsEvent) => void;
  /** Most keys held per rule's window; default 50 000. */
  readonly maxKeysPerRule?: number;
  readonly attempts?: AttemptLog;
}

export interface IdsVerdict {
  /** Drop the message or connection without answering. */
  readonly drop: boolean;
  /** Rules whose limit this event exceeded. */
  readonly fired: readonly IdsRuleName[];
}

const PASS: IdsVerdict = { drop: false, fired: [] };

export class IntrusionDetector {
  readonly attempts: AttemptLog;
  readonly #o: IntrusionDetectorOptions;
  readonly #windows = new Map<string, SlidingWindowCounter>();
  /** The window of each rule (by name and rule object), once looked up by its parameters. */
  readonly #windowOf = new Map<IdsRuleName, WeakMap<IdsRule, SlidingWindowCounter>>();

  constructor(options: IntrusionDetectorOptions) {
    this.#o = options;
    this.attempts = options.attempts ?? new AttemptLog();
  }

  /** True when the source is banned now (O(1)); the listeners' check before parsing. */
  isBanned(address: string | undefined): boolean {
    return this.#o.bans.list.isBanned(address);
  }

  report(event: IdsEvent): IdsVerdict {
    const { metrics, clock } = this.#o;
    const source = normalizeAddress(event.source);
    const alwaysDrop = event.kind === 'scanner';
    if (this.isBanned(source)) {
      metrics.inc('palisade_ids_dropped_total', { service: event.service, reason: 'banned' });
      return { drop: true, fired: [] };
    }
    if (event.kind !== 'request' && event.kind !== 'handshake') {
      this.attempts.record(source, event, clock.now());
      this.#o.onAttempt?.(source, event);
    }
    metrics.inc('palisade_ids_events_total', { kind: event.kind, service: event.service });
    if (alwaysDrop)
      metrics.inc('palisade_ids_dropped_total', { service: event.service, reason: 'scanner' });

    const policy = this.#o.policyFor(event.tenantId);
    const now = clock.monotonic();
    const fired: IdsRuleName[] = [];
    for (const { rule: name, perUser } of rulesFor(event.kind, event.service)) {
      const rule = policy.rules[name];
      if (rule.action === 'ignore') continue;
      const exempt = FLOOD_RULES.has(name) ? this.#exemption(source) : undefined;
      const byUser = perUser || exempt !== undefined;
      const key = `${event.tenantId ?? ''}|${source}|${byUser ? (event.user ?? '') : ''}`;
      if (!this.#window(name, rule).hit(key, now, event.weight ?? 1)) continue;
      fired.push(name);
      this.#window(name, rule).reset(key);
      const action: IdsAction = exempt ? 'alert' : rule.action;
      metrics.inc('palisade_ids_rule_fired_total', { rule: name, action });
      if (action === 'ban') {
        this.#o.bans
          .banByDetector({
            address: source,
            rule: name,
            reason: `${name}: more than ${rule.limit} in ${rule.windowMs} ms`,
            policy,
          })
          .catch((err: unknown) =>
            this.#o.logger.error('ban could not be stored', { rule: name, error: String(err) }),
          );
      } else {
        this.#o.onAlert?.({
          source,
          rule: name,
          action,
          event,
          ...(exempt ? { exempt } : {}),
        });
      }
    }
    const banned = fired.length > 0 && this.#o.bans.list.isBanned(source);
    return alwaysDrop ||
      banned ||
      fired.some((r) => policy.rules[r].action === 'ban' && !this.#exemption(source))
      ? { drop: true, fired }
      : fired.length > 0
        ? { drop: false, fired }
        : PASS;
  }

  #exemption(source: string): 'trusted' | 'registered' | undefined {
    if (this.#o.trusted.has(source)) return 'trusted';
    if (this.#o.registered?.has(source)) return 'registered';
    return undefined;
  }

  #window(name: IdsRuleName, rule: IdsRule): SlidingWindowCounter {
    let byRule = this.#windowOf.get(name);
    const known = byRule?.get(rule);
    if (known) return known;
    const id = `${name}|${rule.limit}|${rule.windowMs}`;
    let w = this.#windows.get(id);
    if (!w) {
      w = new SlidingWindowCounter({
        limit: rule.limit,
        windowMs: rule.windowMs,
        maxKeys: this.#o.maxKeysPerRule ?? 50_000,
      });
      this.#windows.set(id, w);
    }
    if (!byRule) this.#windowOf.set(name, (byRule = new WeakMap()));
    byRule.set(rule, w);
    return w;
  }
}
