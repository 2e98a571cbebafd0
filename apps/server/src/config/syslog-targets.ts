/**
 * Syslog targets as one-line URLs, so the same value works in the YAML file
 * and in PALISADE_SYSLOG_TARGETS:
 *
 *   local:/dev/log
 *   udp://collector.example:514
 *   tcp://collector.example:601            (?framing=lf for newline framing)
 *   tls://collector.example:6514?ca=/etc/palisade/syslog-ca.pem&name=collector.example
 *      (&cert=…&key=… for a client certificate)
 */
import type { SyslogTargetConfig } from '@palisade/syslog';
import { SettingError, type Setting } from './schema-kit.ts';

const PORT_DEFAULT = { udp: 514, tcp: 601, tls: 6514 } as const;

export function parseSyslogTarget(raw: string): SyslogTargetConfig {
  if (raw.startsWith('local:')) {
    const path = raw.slice('local:'.length).replace(/^\/\/(?=\/)/, '');
    if (!path.startsWith('/'))
      throw new SettingError(
        `"${raw.slice(0, 100)}": local targets name a socket path, e.g. local:/dev/log`,
      );
    return { kind: 'local', path };
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SettingError(
      `"${raw.slice(0, 100)}" is not a target URL like tls://collector.example:6514`,
    );
  }
  const kind = url.protocol.replace(/:$/, '');
  if (kind !== 'udp' && kind !== 'tcp' && kind !== 'tls')
    throw new SettingError(`"${kind}" is not one of local, udp, tcp, tls`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw new SettingError(`"${raw.slice(0, 100)}" names no host`);
  const port = url.port === '' ? PORT_DEFAULT[kind] : Number(url.port);
  const q = url.searchParams;
  const known = new Set(
    kind === 'tls' ? ['ca', 'name', 'cert', 'key'] : kind === 'tcp' ? ['framing'] : [],
  );
  for (const key of q.keys())
    if (!known.has(key)) throw new SettingError(`"${key}" is not an option of ${kind} targets`);
  switch (kind) {
    case 'udp':
      return { kind, host, port };
    case 'tcp': {
      const framing = q.get('framing');
      if (framing !== null && framing !== 'lf' && framing !== 'octet-counting')
        throw new SettingError('framing must be lf or octet-counting');
      return { kind, host, port, ...(framing ? { framing } : {}) };
    }
    case 'tls': {
      const ca = q.get('ca');
      const name = q.get('name');
      const cert = q.get('cert');
      const key = q.get('key');
      return {
        kind,
        host,
        port,
        ...(ca ? { caFile: ca } : {}),
        ...(name ? { serverName: name } : {}),
        ...(cert ? { certFile: cert } : {}),
        ...(key ? { keyFile: key } : {}),
      };
    }
  }
}

export function syslogTarget(): Setting<SyslogTargetConfig> {
  return {
    type: 'target URL',
    default: { kind: 'local', path: '/dev/log' },
    doc: 'local:/path, udp://host:port, tcp://host:port or tls://host:port?ca=FILE&name=NAME',
    parse(raw) {
      if (typeof raw !== 'string')
        throw new SettingError('must be a target URL like tls://collector.example:6514');
      return parseSyslogTarget(raw);
    },
    show: (t) => (t.kind === 'local' ? `local:${t.path}` : `${t.kind}://${t.host}:${t.port}`),
  };
}
