/**
 * The policy: for each detector rule, how many occurrences in which window
 * trigger which action, and how long bans last. Detectors only report; the
 * policy decides. A tenant may override rules for events attributed to it.
 *
 * Flood rules (request, handshake, slow-client, rtp-wrong-source, ws-flood) never ban
 * a trusted network or an address with a registered, authenticated device:
 * for those the occurrences are counted per (source, user) and alert only.
 */
import { PalisadeError } from '@palisade/common';
import type { IdsKind } from './ids-event.ts';

export const IDS_ACTIONS = ['ban', 'alert', 'ignore'] as const;
export type IdsAction = (typeof IDS_ACTIONS)[number];

export const IDS_RULES = [
  'sip-auth-user',
  'sip-auth-source',
  'login-failure',
  'mfa-failure',
  'spraying',
  'scanner',
  'sip-flood',
  'malformed',
  'bad-destination',
  'rtp-wrong-source',
  'handshake-flood',
  'http-flood',
  'slow-client',
  'ws-flood',
] as const;
export type IdsRuleName = (typeof IDS_RULES)[number];

export interface IdsRule {
  /** Acts when more than `limit` occurrences fall inside `windowMs` (limit 0: the first one). */
  readonly limit: number;
  readonly windowMs: number;
  readonly action: IdsAction;
}

export interface IdsPolicyConfig {
  readonly rules: Readonly<Record<IdsRuleName, IdsRule>>;
  /**
   * Ban durations by offence: the first ban lasts `[0]`, a repeat offender's
   * next `[1]`, and so on; the last repeats.
   */
  readonly banDurationsMs: readonly number[];
  /** A ban counts as a repeat offence if the previous one ended less than this long ago. */
  readonly repeatWindowMs: number;
}

const S = 1000;
const MIN = 60 * S;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** The standard preset: 10 failures in 10 minutes → 10 minutes, then 1 day, then 1 week. */
export const STANDARD_IDS_POLICY: IdsPolicyConfig = {
  rules: {
    'sip-auth-user': { limit: 9, windowMs: 10 * MIN, action: 'ban' },
    'sip-auth-source': { limit: 29, windowMs: 10 * MIN, action: 'ban' },
    'login-failure': { limit: 9, windowMs: 10 * MIN, action: 'ban' },
    'mfa-failure': { limit: 9, windowMs: 10 * MIN, action: 'ban' },
    spraying: { limit: 0, windowMs: 10 * MIN, action: 'ban' },
    scanner: { limit: 0, windowMs: MIN, action: 'ban' },
    // Kamailio pike's default: more than 16 requests in 2 s
    'sip-flood': { limit: 16, windowMs: 2 * S, action: 'ban' },
    malformed: { limit: 9, windowMs: MIN, action: 'ban' },
    'bad-destination': { limit: 9, windowMs: 10 * MIN, action: 'ban' },
    'rtp-wrong-source': { limit: 199, windowMs: 10 * S, action: 'ban' },
    'handshake-flood': { limit: 30, windowMs: 10 * S, action: 'ban' },
    'http-flood': { limit: 300, windowMs: 10 * S, action: 'ban' },
    'slow-client': { limit: 4, windowMs: MIN, action: 'ban' },
    // the connection is closed each time; a source flooding again and again is banned
    'ws-flood': { limit: 2, windowMs: MIN, action: 'ban' },
  },
  banDurationsMs: [10 * MIN, DAY, 7 * DAY],
  repeatWindowMs: 7 * DAY,
};

/** What many hosted PBX vendors ship: 3 failures → 1 hour. */
export const VENDOR_IDS_POLICY: IdsPolicyConfig = {
  ...STANDARD_IDS_POLICY,
  rules: {
    ...STANDARD_IDS_POLICY.rules,
    'sip-auth-user': { limit: 2, windowMs: HOUR, action: 'ban' },
    'sip-auth-source': { limit: 2, windowMs: HOUR, action: 'ban' },
    'login-failure': { limit: 2, windowMs: HOUR, action: 'ban' },
    'mfa-failure': { limit: 2, windowMs: HOUR, action: 'ban' },
  },
  banDurationsMs: [HOUR],
};

export const IDS_PRESETS = { standard: STANDARD_IDS_POLICY, vendor: VENDOR_IDS_POLICY } as const;
export type IdsPreset = keyof typeof IDS_PRESETS;

/** Flood rules never ban trusted or registered sources. */
export const FLOOD_RULES: ReadonlySet<IdsRuleName> = new Set([
  'sip-flood',
  'rtp-wrong-source',
  'handshake-flood',
  'http-flood',
  'slow-client',
  'ws-flood',
]);

type RuleFeed = readonly { readonly rule: IdsRuleName; readonly perUser: boolean }[];

const feed = (rule: IdsRuleName, perUser = false): RuleFeed => Object.freeze([{ rule, perUser }]);

/** Made once: every SIP and HTTP request asks (a fresh array each time was garbage per request). */
const FEEDS = {
  'auth-failure': Object.freeze([
    { rule: 'sip-auth-user', perUser: true },
    { rule: 'sip-auth-source', perUser: false },
  ]) as RuleFeed,
  'login-failure': feed('login-failure'),
  'mfa-failure': feed('mfa-failure'),
  spraying: feed('spraying'),
  scanner: feed('scanner'),
  'http-request': feed('http-flood'),
  'sip-request': feed('sip-flood'),
  malformed: feed('malformed'),
  'bad-destination': feed('bad-destination'),
  'rtp-wrong-source': feed('rtp-wrong-source'),
  handshake: feed('handshake-flood'),
  'slow-client': feed('slow-client'),
  'message-flood': feed('ws-flood'),
} as const;

/** Which rules an event kind feeds, and whether each counts per source or per (source, user). */
export function rulesFor(kind: IdsKind, service: string): RuleFeed {
  switch (kind) {
    case 'request':
      return service === 'http' ? FEEDS['http-request'] : FEEDS['sip-request'];
    case 'auth-failure':
    case 'login-failure':
    case 'mfa-failure':
    case 'spraying':
    case 'scanner':
    case 'malformed':
    case 'bad-destination':
    case 'rtp-wrong-source':
    case 'handshake':
    case 'slow-client':
    case 'message-flood':
      return FEEDS[kind];
  }
}

/** Overrides on a preset; refuses unknown rules, actions and nonsense numbers. */
export function buildPolicy(
  preset: IdsPreset,
  overrides: {
    readonly rules?: Partial<Record<string, Partial<IdsRule>>>;
    readonly banDurationsMs?: readonly number[];
  } = {},
): IdsPolicyConfig {
  const base = IDS_PRESETS[preset];
  const rules: Record<string, IdsRule> = { ...base.rules };
  for (const [name, o] of Object.entries(overrides.rules ?? {})) {
    if (!(IDS_RULES as readonly string[]).includes(name))
      throw new PalisadeError('validation_failed', `unknown intrusion rule: ${name.slice(0, 40)}`);
    const merged = { ...rules[name], ...o } as IdsRule;
    if (!Number.isInteger(merged.limit) || merged.limit < 0 || merged.limit > 100_000)
      throw new PalisadeError('validation_failed', `rule ${name}: limit must be 0..100000`);
    if (!Number.isInteger(merged.windowMs) || merged.windowMs < 1 || merged.windowMs > 7 * DAY)
      throw new PalisadeError('validation_failed', `rule ${name}: windowMs must be 1 ms .. 7 days`);
    if (!(IDS_ACTIONS as readonly string[]).includes(merged.action))
      throw new PalisadeError(
        'validation_failed',
        `rule ${name}: action must be ban, alert or ignore`,
      );
    rules[name] = merged;
  }
  const durations = overrides.banDurationsMs ?? base.banDurationsMs;
  if (
    durations.length === 0 ||
    durations.some((d) => !Number.isInteger(d) || d < 1000 || d > 365 * DAY)
  )
    throw new PalisadeError(
      'validation_failed',
      'banDurationsMs: 1 s .. 365 days each, at least one',
    );
  return {
    rules: rules as Record<IdsRuleName, IdsRule>,
    banDurationsMs: durations,
    repeatWindowMs: base.repeatWindowMs,
  };
}

/** The duration of a ban for the `offence`-th offence (1-based). */
export function banDuration(policy: IdsPolicyConfig, offence: number): number {
  const d = policy.banDurationsMs;
  return d[Math.min(Math.max(1, offence), d.length) - 1] ?? d[d.length - 1] ?? 10 * MIN;
}
