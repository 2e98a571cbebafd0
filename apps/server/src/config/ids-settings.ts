/**
 * The `ids` section: intrusion detection and prevention, DoS limits
 * (PRODUCT §D). Defaults follow the `standard` policy preset; a value of 0
 * where the meaning says "0: the preset's" keeps the preset.
 */
import { TrustedNetworks } from '@palisade/security';
import { boolean, integer, list, oneOf, optionalString, SettingError } from './schema-kit.ts';
import type { Setting } from './schema-kit.ts';

function cidr(): Setting<string> {
  return {
    type: 'CIDR network',
    default: '',
    doc: 'an IPv4 or IPv6 network such as 10.0.0.0/8',
    parse(raw) {
      if (typeof raw !== 'string') throw new SettingError('must be a network like 10.0.0.0/8');
      try {
        new TrustedNetworks([raw]);
      } catch {
        throw new SettingError(
          `"${raw.slice(0, 64)}" is not a network like 10.0.0.0/8 or 2001:db8::/32`,
        );
      }
      return raw.trim();
    },
  };
}

function text(max: number, doc: string): Setting<string> {
  return {
    type: 'string',
    default: '',
    doc,
    parse(raw) {
      if (typeof raw !== 'string' || raw.trim() === '' || raw.length > max)
        throw new SettingError(`must be a text of 1 to ${max} characters`);
      return raw.trim();
    },
  };
}

function tenantPreset(): Setting<string> {
  return {
    type: 'tenant-id=preset',
    default: '',
    doc: 'tenant id, "=", standard or vendor',
    parse(raw) {
      if (typeof raw !== 'string' || !/^[A-Za-z0-9-]{1,36}=(standard|vendor)$/.test(raw))
        throw new SettingError('must be <tenant id>=standard or <tenant id>=vendor');
      return raw;
    },
  };
}

export const idsSettings = {
  enabled: boolean(true, 'Intrusion detection and prevention (bans, flood limits).'),
  preset: oneOf(
    ['standard', 'vendor'],
    'standard',
    'Policy preset: standard (10 failures in 10 minutes → 10 minutes, repeat offenders 1 day, then 1 week) or vendor (3 failures in 1 hour → 1 hour).',
  ),
  tenantPresets: list(tenantPreset(), [], 'Per-tenant policy presets, e.g. 0b0c…=vendor.', 1000),
  authFailureLimit: integer(
    0,
    'Failed SIP digest or web logins (per source and user) that trigger a ban. 0: the preset’s.',
    0,
    1000,
  ),
  authFailureWindowSeconds: integer(0, 'Window for authFailureLimit. 0: the preset’s.', 0, 86_400),
  banDurationsSeconds: list(
    integer(600, 'seconds', 1, 31_536_000),
    [],
    'Ban durations for the first, second, … offence (the last repeats). Empty: the preset’s.',
    16,
  ),
  badDestinationLimit: integer(
    10,
    'INVITEs to non-existent or forbidden destinations (toll-fraud probing) from one source that trigger a ban within badDestinationWindowSeconds.',
    1,
    100_000,
  ),
  badDestinationWindowSeconds: integer(600, 'Window of the badDestinationLimit rule.', 1, 86_400),
  rtpWrongSourcePackets: integer(
    200,
    'Relay packets from an address that is not the call peer’s (RTP bleed) that trigger a ban within rtpWrongSourceWindowSeconds.',
    1,
    1_000_000,
  ),
  rtpWrongSourceWindowSeconds: integer(10, 'Window of the rtpWrongSourcePackets rule.', 1, 86_400),
  floodRequests: integer(
    16,
    'SIP requests per source that count as a flood within floodWindowMs (Kamailio pike: 16 in 2 s).',
    1,
    100_000,
  ),
  floodWindowMs: integer(2000, 'Window of the SIP flood rule.', 100, 600_000),
  trustedNetworks: list(
    cidr(),
    [],
    'Networks never banned by flood rules (CIDR, IPv4 and IPv6).',
    1000,
  ),
  scannerUserAgents: list(
    text(100, 'a user agent fragment'),
    [],
    'Extra scanner user agents (substring, any case) dropped silently, besides friendly-scanner, sipvicious, sipcli, VaxSIPUserAgent, pplsip.',
    256,
  ),
  pollSeconds: integer(
    5,
    'How often a node reads bans made by other nodes from the store.',
    1,
    3600,
  ),
  nftables: boolean(
    false,
    'Also add banned addresses to the nftables set `inet palisade banned4/banned6` (needs CAP_NET_ADMIN and the nft command).',
  ),
  alertEmail: optionalString(
    'Address for ban alerts (at most one per alertIntervalMinutes) and the daily summary. Empty: none.',
  ),
  alertIntervalMinutes: integer(15, 'At most one ban alert e-mail per this many minutes.', 1, 1440),
  sipMaxRequestsPerSecond: integer(
    2000,
    'SIP requests per second over all sources; beyond it requests get 503 with Retry-After.',
    10,
    1_000_000,
  ),
  httpMaxInFlight: integer(
    512,
    'HTTP requests being handled at once; beyond it the API answers 503.',
    1,
    100_000,
  ),
  httpMaxConnections: integer(
    10_000,
    'Open HTTPS connections at most, all together.',
    1,
    1_000_000,
  ),
  httpMaxConnectionsPerSource: integer(
    64,
    'Open HTTPS connections at most from one IP address (slow-client attacks).',
    1,
    100_000,
  ),
} as const;
