/**
 * The syslog slice of the server configuration: where security and access
 * events go, and how hard we try to deliver them. The server's config schema
 * embeds this type; `validateSyslogConfig` says which setting is wrong and why.
 */
import { PalisadeError } from '@palisade/common';

/** RFC 5424 §6.2.1 facility codes we allow (security-relevant ones and local0..7). */
export const SYSLOG_FACILITIES = {
  auth: 4,
  daemon: 3,
  user: 1,
  authpriv: 10,
  security: 13,
  local0: 16,
  local1: 17,
  local2: 18,
  local3: 19,
  local4: 20,
  local5: 21,
  local6: 22,
  local7: 23,
} as const;

export type SyslogFacility = keyof typeof SYSLOG_FACILITIES;

/** Local syslog daemon over a unix datagram socket (`/dev/log`). */
export interface LocalTargetConfig {
  readonly kind: 'local';
  readonly path: string;
}

/** RFC 5426: one message per datagram, no delivery guarantee. */
export interface UdpTargetConfig {
  readonly kind: 'udp';
  readonly host: string;
  readonly port: number;
}

/** RFC 6587 over plain TCP, with the on-disk queue. */
export interface TcpTargetConfig {
  readonly kind: 'tcp';
  readonly host: string;
  readonly port: number;
  /** RFC 6587 §3.4.1 octet counting (default) or §3.4.2 LF-terminated frames. */
  readonly framing?: 'octet-counting' | 'lf';
}

/** RFC 5425 over TLS 1.2+, server certificate and name checked, with the on-disk queue. */
export interface TlsTargetConfig {
  readonly kind: 'tls';
  readonly host: string;
  readonly port: number;
  /** PEM file of the CA(s) that sign the collector's certificate; absent → system store. */
  readonly caFile?: string;
  /** Name to check the certificate against (and send as SNI); default `host`. */
  readonly serverName?: string;
  /** Optional client certificate and key (PEM files) for collectors that require one. */
  readonly certFile?: string;
  readonly keyFile?: string;
}

export type SyslogTargetConfig =
  LocalTargetConfig | UdpTargetConfig | TcpTargetConfig | TlsTargetConfig;

export interface SyslogQueueConfig {
  /** Most bytes of queued messages per TCP/TLS target; the oldest are dropped (and counted) beyond. */
  readonly maxBytes: number;
  /** Size at which a new append-only segment file is started. */
  readonly segmentBytes: number;
  /** Appends are written and fsynced in batches at most this far apart. */
  readonly fsyncIntervalMs: number;
  /** How many sent-but-unconfirmed messages are kept and resent (marked) after a reconnect. */
  readonly resendWindow: number;
}

export interface SyslogReconnectConfig {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly connectTimeoutMs: number;
}

export interface SyslogConfig {
  readonly enabled: boolean;
  readonly facility: SyslogFacility;
  /** HOSTNAME field; default: the machine's host name. */
  readonly hostname?: string;
  readonly appName: string;
  /** Largest SYSLOG-MSG we produce (RFC 5424 §6.1: receivers should take 2048). */
  readonly maxMessageBytes: number;
  readonly targets: readonly SyslogTargetConfig[];
  readonly queue: SyslogQueueConfig;
  readonly reconnect: SyslogReconnectConfig;
}

export const defaultSyslogConfig: SyslogConfig = {
  enabled: true,
  facility: 'authpriv',
  appName: 'palisade',
  maxMessageBytes: 2048,
  targets: [{ kind: 'local', path: '/dev/log' }],
  queue: {
    maxBytes: 16 * 1024 * 1024,
    segmentBytes: 1024 * 1024,
    fsyncIntervalMs: 200,
    resendWindow: 1000,
  },
  reconnect: { initialDelayMs: 500, maxDelayMs: 30_000, connectTimeoutMs: 10_000 },
};

function fail(setting: string, why: string): never {
  throw new PalisadeError('config_invalid', `syslog.${setting}: ${why}`, {
    details: { setting: `syslog.${setting}` },
  });
}

function intIn(setting: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max)
    fail(setting, `must be an integer from ${min} to ${max}`);
}

const PRINTUSASCII = /^[!-~]+$/;

/** Throws a `config_invalid` PalisadeError naming the first bad setting. */
export function validateSyslogConfig(config: SyslogConfig): void {
  if (!Object.hasOwn(SYSLOG_FACILITIES, config.facility))
    fail('facility', `must be one of ${Object.keys(SYSLOG_FACILITIES).join(', ')}`);
  if (config.hostname !== undefined && !/^[!-~]{1,255}$/.test(config.hostname))
    fail('hostname', 'must be 1 to 255 printable ASCII characters');
  if (!/^[!-~]{1,48}$/.test(config.appName))
    fail('appName', 'must be 1 to 48 printable ASCII characters');
  intIn('maxMessageBytes', config.maxMessageBytes, 480, 65_000);
  intIn('queue.maxBytes', config.queue.maxBytes, 64 * 1024, 2 ** 40);
  intIn('queue.segmentBytes', config.queue.segmentBytes, 4096, 2 ** 30);
  intIn('queue.fsyncIntervalMs', config.queue.fsyncIntervalMs, 1, 60_000);
  intIn('queue.resendWindow', config.queue.resendWindow, 0, 1_000_000);
  intIn('reconnect.initialDelayMs', config.reconnect.initialDelayMs, 10, 600_000);
  intIn(
    'reconnect.maxDelayMs',
    config.reconnect.maxDelayMs,
    config.reconnect.initialDelayMs,
    3_600_000,
  );
  intIn('reconnect.connectTimeoutMs', config.reconnect.connectTimeoutMs, 100, 600_000);
  if (config.targets.length > 16) fail('targets', 'at most 16 targets');
  const names = new Set<string>();
  config.targets.forEach((target, i) => {
    const at = `targets[${i}]`;
    switch (target.kind) {
      case 'local':
        if (!target.path.startsWith('/') || target.path.length > 107)
          fail(`${at}.path`, 'must be an absolute path of at most 107 bytes');
        break;
      case 'udp':
      case 'tcp':
      case 'tls':
        if (!PRINTUSASCII.test(target.host) || target.host.length > 253)
          fail(`${at}.host`, 'must be a host name or IP address');
        intIn(`${at}.port`, target.port, 1, 65_535);
        if (target.kind === 'tcp' && target.framing !== undefined)
          if (target.framing !== 'octet-counting' && target.framing !== 'lf')
            fail(`${at}.framing`, 'must be octet-counting or lf');
        if (
          target.kind === 'tls' &&
          (target.certFile === undefined) !== (target.keyFile === undefined)
        )
          fail(`${at}.certFile`, 'certFile and keyFile go together');
        break;
      default:
        fail(`${at}.kind`, 'must be local, udp, tcp or tls');
    }
    const name = targetName(target);
    if (names.has(name)) fail(at, `duplicate target ${name}`);
    names.add(name);
  });
}

/** A stable name for a target; also the name of its queue directory. */
export function targetName(target: SyslogTargetConfig): string {
  const raw =
    target.kind === 'local'
      ? `local-${target.path}`
      : `${target.kind}-${target.host}-${target.port}`;
  return raw.replace(/[^A-Za-z0-9.-]/g, '_');
}
