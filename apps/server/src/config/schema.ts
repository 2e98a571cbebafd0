/**
 * Every setting of the server, with its default and documentation. The file
 * `palisade.yaml` uses these sections and keys; each is also settable as
 * `PALISADE_<SECTION>_<KEY>` (see envName). `docs/configuration.md` is
 * generated from this file (`palisade config reference`).
 */
import { isIP } from 'node:net';
import { SYSLOG_FACILITIES, defaultSyslogConfig, type SyslogFacility } from '@palisade/syslog';
import { syslogTarget } from './syslog-targets.ts';
import { idsSettings } from './ids-settings.ts';
import {
  boolean,
  integer,
  list,
  oneOf,
  optionalString,
  port,
  string,
  SettingError,
  type ConfigOf,
  type Setting,
} from './schema-kit.ts';

function ipAddress(doc: string, def = ''): Setting<string> {
  return {
    type: 'IP address',
    default: def,
    doc,
    parse(raw) {
      if (typeof raw !== 'string' || isIP(raw) === 0)
        throw new SettingError('must be an IPv4 or IPv6 address');
      return raw;
    },
  };
}

function origin(): Setting<string> {
  return {
    type: 'origin',
    default: '',
    doc: 'an origin such as https://pbx.example.com',
    parse(raw) {
      if (typeof raw !== 'string')
        throw new SettingError('must be an origin like https://pbx.example.com');
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        throw new SettingError(
          `"${raw.slice(0, 100)}" is not an origin like https://pbx.example.com`,
        );
      }
      if (url.protocol !== 'https:' && url.protocol !== 'http:')
        throw new SettingError('origins use https:');
      if (url.origin !== raw.replace(/\/$/, ''))
        throw new SettingError(
          `"${raw.slice(0, 100)}" has a path; give the origin only (${url.origin})`,
        );
      return url.origin;
    },
  };
}

const hostname =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

export const configSchema = {
  data: {
    dir: string('./data', 'Data directory: database, certificates, queues, recordings.', {
      maxLength: 1024,
    }),
  },
  http: {
    bind: list(
      ipAddress('listen address'),
      ['0.0.0.0'],
      'Addresses the HTTPS listener binds (web app, API, SIP over WSS at /sip).',
    ),
    port: port(8443, 'HTTPS port.'),
    publicUrl: optionalString(
      'Public base URL used in links (setup, e-mails), e.g. https://pbx.example.com. Default: https://<host name>:<port>.',
      { maxLength: 512 },
    ),
    trustedDomains: list(
      origin(),
      [],
      'Extra origins trusted for cross-origin requests and WebSocket upgrades (the public URL is always trusted).',
    ),
    headersTimeoutMs: integer(
      10_000,
      'Slow-client limit: time allowed to send request headers.',
      1_000,
      120_000,
    ),
    requestTimeoutMs: integer(
      30_000,
      'Slow-client limit: time allowed for a whole request.',
      1_000,
      600_000,
    ),
    bodyLimitBytes: integer(1_048_576, 'Largest API request body.', 1_024, 104_857_600),
    webRoot: optionalString(
      'Directory of the built web app (console and user app). Default: apps/web/dist of this installation; without a build the server runs API-only.',
      { maxLength: 1024 },
    ),
  },
  tls: {
    certFile: optionalString(
      'PEM certificate chain. Default: a self-signed certificate made at first start in <data>/tls.',
      { maxLength: 1024 },
    ),
    keyFile: optionalString('PEM private key for certFile.', { maxLength: 1024 }),
  },
  database: {
    url: optionalString(
      'PostgreSQL URL (postgres://user@host/db). Default: SQLite in <data>/palisade.db.',
      { maxLength: 1024 },
    ),
  },
  sip: {
    domain: string('', "SIP domain of the default tenant. Default: this host's name.", {
      maxLength: 253,
      pattern: /^$|^[A-Za-z0-9.-]+$/,
      patternDoc: 'a host name',
    }),
    bind: list(
      ipAddress('listen address'),
      ['0.0.0.0'],
      'Addresses the SIP listeners bind (one listener set per address).',
    ),
    udpPort: port(5060, 'SIP over UDP.'),
    tcpPort: port(5060, 'SIP over TCP.'),
    tlsPort: port(5061, 'SIP over TLS (SIPS).'),
    maxMessageBytes: integer(16_384, 'Largest SIP message accepted.', 2_048, 65_535),
    nonceLifetimeSeconds: integer(
      300,
      'How long a digest nonce stays usable; older ones get stale=true.',
      10,
      86_400,
    ),
    digestAlgorithms: list(
      oneOf(['SHA-256', 'MD5'], 'SHA-256', 'digest algorithm'),
      ['SHA-256', 'MD5'],
      'Digest algorithms offered to SIP clients (RFC 8760); SHA-256 is always offered first. Some clients (e.g. SIPp) read only the first challenge: list MD5 alone for them.',
      2,
    ),
    minExpires: integer(
      60,
      'Shortest registration accepted (shorter gets 423 Interval Too Brief).',
      1,
      86_400,
    ),
    maxExpires: integer(3_600, 'Longest registration granted (longer is shortened).', 60, 604_800),
    maxConnections: integer(
      10_000,
      'Open SIP connections (TCP, TLS, WebSocket) at most, all together.',
      1,
      1_000_000,
    ),
    maxConnectionsPerSource: integer(
      64,
      'Open SIP connections at most from one IP address.',
      1,
      100_000,
    ),
    idleTimeoutSeconds: integer(
      600,
      'A SIP connection with no traffic (keep-alives count) for this long is closed.',
      10,
      86_400,
    ),
    wsMaxMessagesPerSecond: integer(
      50,
      'SIP messages one WebSocket connection may send a second (a burst of as many); beyond it the connection is closed (1008) and counted. 0: no cap.',
      0,
      100_000,
    ),
    wsPath: string('/sip', 'Path of SIP over WebSocket (RFC 7118) on the HTTPS port.', {
      maxLength: 100,
      pattern: /^\/[A-Za-z0-9._~/-]*$/,
      patternDoc: 'a path such as /sip',
    }),
  },
  media: {
    engine: oneOf(
      ['builtin', 'rtpengine'],
      'builtin',
      'Media engine: the built-in relay or rtpengine over its ng protocol.',
    ),
    rtpPortMin: port(20_000, 'Lowest RTP port.'),
    rtpPortMax: port(29_999, 'Highest RTP port.'),
    bindAddress: ipAddress('Address the built-in relay binds its RTP sockets to.', '0.0.0.0'),
    advertiseAddress: string(
      '',
      'Address written into SDP for the relay (a public address in front of NAT). Default: media.bindAddress, or the SIP advertised address when that is a wildcard.',
      { maxLength: 64, pattern: /^$|^[0-9A-Fa-f.:]+$/, patternDoc: 'an IP address' },
    ),
    timeoutSeconds: integer(
      60,
      'A call whose media stays silent this long is ended (built-in engine).',
      5,
      3_600,
    ),
    rtpengineNodes: list(
      string('', 'host:port', {
        maxLength: 100,
        pattern: /^[A-Za-z0-9.:[\]-]+:[0-9]{1,5}$/,
        patternDoc: 'host:port',
      }),
      ['127.0.0.1:2223'],
      'rtpengine ng control addresses (host:port) when media.engine is rtpengine.',
      16,
    ),
  },
  calls: {
    sessionExpires: integer(
      1_800,
      'Session interval (RFC 4028) asked for on calls; the B2BUA refreshes at half of it and ends calls that do not answer.',
      90,
      86_400,
    ),
    minSessionExpires: integer(90, 'Smallest session interval accepted (Min-SE).', 90, 86_400),
    digestUri: oneOf(
      ['request-uri', 'or-server'],
      'request-uri',
      "What the digest-uri of INVITE credentials must be: the Request-URI (RFC 7616), or also this server's address (what SIPp sends; only for load generators).",
    ),
  },
  presence: {
    minExpires: integer(
      60,
      'Shortest subscription (SUBSCRIBE to dialog or presence) accepted; shorter gets 423 Interval Too Brief.',
      1,
      86_400,
    ),
    maxExpires: integer(3_600, 'Longest subscription granted (longer is shortened).', 60, 604_800),
    maxPerDevice: integer(
      200,
      'Subscriptions one device may hold (a phone holds one per busy-lamp key); beyond it 403.',
      1,
      10_000,
    ),
    maxPerSource: integer(
      1_000,
      'Subscriptions from one IP address (phones behind one NAT share it); beyond it 503.',
      1,
      1_000_000,
    ),
    maxSubscriptions: integer(
      20_000,
      'Subscriptions the server holds in all (memory bound); beyond it 503 with Retry-After.',
      1,
      1_000_000,
    ),
  },
  identity: {
    consoleIdleMinutes: integer(
      15,
      'Console sessions end after this long without a request.',
      1,
      1440,
    ),
    consoleAbsoluteHours: integer(
      12,
      'Console sessions end this long after login, active or not.',
      1,
      168,
    ),
    appIdleMinutes: integer(
      60,
      'User-app sessions end after this long without a request.',
      1,
      10_080,
    ),
    appAbsoluteHours: integer(24, 'User-app sessions end this long after login.', 1, 720),
    reauthMinutes: integer(
      5,
      'Security changes (password, e-mail, phone, second factors, SIP secrets) need a password check this recent.',
      1,
      60,
    ),
    knownNetworkDays: integer(
      90,
      'How long a confirmed login network is remembered (location check).',
      1,
      3650,
    ),
    ipv4PrefixBits: integer(
      24,
      'IPv4 prefix that makes a "network" for the location check.',
      8,
      32,
    ),
    ipv6PrefixBits: integer(
      64,
      'IPv6 prefix that makes a "network" for the location check.',
      16,
      128,
    ),
    sprayingAccounts: integer(
      10,
      'Distinct accounts one address may fail on within 10 minutes before it is reported as spraying.',
      2,
      1000,
    ),
  },
  mail: {
    host: optionalString('SMTP server for codes, links and alerts. Empty: no e-mail.', {
      maxLength: 253,
    }),
    port: port(587, 'SMTP port (587 with STARTTLS, 465 with implicit TLS).'),
    security: oneOf(
      ['starttls', 'tls'],
      'starttls',
      'starttls: plain connection upgraded with STARTTLS (required); tls: TLS from the first byte.',
    ),
    username: optionalString('SMTP login.', { maxLength: 256 }),
    password: optionalString('SMTP password (prefer PALISADE_MAIL_PASSWORD).', { maxLength: 256 }),
    from: string('palisade@localhost', 'Sender address of every message.', { maxLength: 254 }),
    caFile: optionalString(
      'PEM file of the CA that signs the SMTP server certificate. Default: the system store. Certificates are always validated.',
      { maxLength: 1024 },
    ),
  },
  sms: {
    webhookUrl: optionalString(
      'HTTPS URL of the SMS provider webhook (JSON POST {to, text}). Empty: no SMS.',
      { maxLength: 1024 },
    ),
    bearerToken: optionalString(
      'Bearer token for the SMS webhook (prefer the PALISADE_SMS_BEARER_TOKEN environment variable).',
      {
        maxLength: 1024,
      },
    ),
    maxPerHour: integer(
      100,
      'Installation-wide cap on SMS sent per hour (cost limit).',
      1,
      100_000,
    ),
    caFile: optionalString(
      'PEM file of the CA that signs the webhook certificate. Default: the system store.',
      { maxLength: 1024 },
    ),
  },
  secrets: {
    keyFile: optionalString(
      'File with the 32-byte master key that seals the secrets the server reads back (TOTP seeds, OIDC client secrets, LDAP service passwords, sign-in cookies). Default: <data>/secrets/master.key, created at first start (mode 0600). Back it up with the data directory, apart from database dumps.',
      { maxLength: 1024 },
    ),
  },
  sso: {
    firstExtension: integer(
      2000,
      'First extension given to accounts that single sign-on or a directory sync creates.',
      1,
      99_999_999,
    ),
    syncCheckMinutes: integer(
      5,
      'How often the server looks for LDAP / AD providers whose scheduled sync is due.',
      1,
      1440,
    ),
  },
  log: {
    level: oneOf(['debug', 'info', 'warn', 'error'], 'info', 'Level of the JSON log on stdout.'),
  },
  syslog: {
    enabled: boolean(true, 'Send security and access events to syslog (RFC 5424).'),
    targets: list(
      syslogTarget(),
      defaultSyslogConfig.targets,
      'Where to send them; TCP and TLS targets keep a disk queue while the collector is down.',
      16,
    ),
    facility: oneOf(
      Object.keys(SYSLOG_FACILITIES) as SyslogFacility[],
      defaultSyslogConfig.facility,
      'Syslog facility of the events.',
    ),
    queueMaxBytes: integer(
      defaultSyslogConfig.queue.maxBytes,
      'Disk queue per TCP/TLS target; beyond it the oldest events are dropped and counted.',
      65_536,
      1_073_741_824,
    ),
    resendWindow: integer(
      defaultSyslogConfig.queue.resendWindow,
      'Events resent (marked resent) after a reconnect, since TCP cannot confirm what the collector got.',
      0,
      1_000_000,
    ),
  },
  // --- intrusion detection and DoS limits (issue 7) ---
  ids: idsSettings,
  // --- end ids ---
} as const;

export type PalisadeConfig = ConfigOf<typeof configSchema>;

/** Rules that span settings; each returns a problem in plain words, or nothing. */
export function crossChecks(config: PalisadeConfig): { key: string; message: string }[] {
  const problems: { key: string; message: string }[] = [];
  if (config.media.rtpPortMin >= config.media.rtpPortMax) {
    problems.push({ key: 'media.rtpPortMin', message: 'must be lower than media.rtpPortMax' });
  }
  if ((config.tls.certFile === null) !== (config.tls.keyFile === null)) {
    problems.push({
      key: 'tls.keyFile',
      message: 'tls.certFile and tls.keyFile go together: set both or neither',
    });
  }
  if (config.sip.domain !== '' && !hostname.test(config.sip.domain)) {
    problems.push({ key: 'sip.domain', message: 'must be a host name such as pbx.example.com' });
  }
  if (config.sip.digestAlgorithms.length === 0) {
    problems.push({ key: 'sip.digestAlgorithms', message: 'must name SHA-256, MD5 or both' });
  }
  if (config.sip.minExpires > config.sip.maxExpires) {
    problems.push({ key: 'sip.minExpires', message: 'must not be above sip.maxExpires' });
  }
  if (config.presence.minExpires > config.presence.maxExpires) {
    problems.push({
      key: 'presence.minExpires',
      message: 'must not be above presence.maxExpires',
    });
  }
  if (config.database.url !== null && !/^postgres(ql)?:\/\//.test(config.database.url)) {
    problems.push({
      key: 'database.url',
      message: 'must start with postgres:// (leave it empty for SQLite)',
    });
  }
  if (config.sms.webhookUrl !== null && !config.sms.webhookUrl.startsWith('https://')) {
    problems.push({ key: 'sms.webhookUrl', message: 'must be an https:// URL' });
  }
  return problems;
}
