export { createSyslogSink } from './syslog-sink.ts';
export type { SyslogSink, SyslogSinkDeps, SyslogSinkStats } from './syslog-sink.ts';
export {
  defaultSyslogConfig,
  validateSyslogConfig,
  targetName,
  SYSLOG_FACILITIES,
} from './syslog-config.ts';
export type {
  SyslogConfig,
  SyslogFacility,
  SyslogTargetConfig,
  LocalTargetConfig,
  UdpTargetConfig,
  TcpTargetConfig,
  TlsTargetConfig,
  SyslogQueueConfig,
  SyslogReconnectConfig,
} from './syslog-config.ts';
export type { TargetStats } from './syslog-target.ts';
export {
  formatSecurityEvent,
  humanMessage,
  PALISADE_PEN,
  EVENT_SD_ID,
  DETAIL_SD_ID,
} from './rfc5424-format.ts';
export type { FormattedMessage, FormatOptions } from './rfc5424-format.ts';
