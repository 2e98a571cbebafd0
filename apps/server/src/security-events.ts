/**
 * Where security and access events go: the JSON log always, and syslog
 * (RFC 5424, with a disk queue for TCP/TLS collectors) when enabled.
 */
import {
  systemClock,
  type Logger,
  type SecurityEvent,
  type SecurityEventSink,
} from '@palisade/common';
import { createSyslogSink, defaultSyslogConfig } from '@palisade/syslog';
import { join } from 'node:path';
import type { PalisadeConfig } from './config/schema.ts';

export interface SecurityEvents extends SecurityEventSink {
  close(): Promise<void>;
}

export function loggingEventSink(logger: Logger): SecurityEventSink {
  const log = logger.child({ stream: 'security' });
  return {
    emit(event: SecurityEvent) {
      log.info(event.type, { ...event });
    },
  };
}

/**
 * The server process and the CLI keep separate syslog sequences (and queues):
 * the CLI reports as app `palisade-cli` from `<data>/cli`, so two processes
 * never hand out the same sequence number under one name.
 */
export function createSecurityEvents(
  config: PalisadeConfig,
  dataDir: string,
  logger: Logger,
  role: 'server' | 'cli' = 'server',
): SecurityEvents {
  const log = loggingEventSink(logger);
  if (!config.syslog.enabled || config.syslog.targets.length === 0) {
    return { emit: (e) => log.emit(e), close: async () => undefined };
  }
  const syslog = createSyslogSink(
    {
      ...defaultSyslogConfig,
      facility: config.syslog.facility,
      appName: role === 'server' ? 'palisade' : 'palisade-cli',
      targets: config.syslog.targets,
      queue: {
        ...defaultSyslogConfig.queue,
        maxBytes: config.syslog.queueMaxBytes,
        resendWindow: config.syslog.resendWindow,
      },
    },
    {
      clock: systemClock,
      logger: logger.child({ component: 'syslog' }),
      dataDir: role === 'server' ? dataDir : join(dataDir, 'cli'),
    },
  );
  return {
    emit(e) {
      log.emit(e);
      syslog.emit(e);
    },
    async close() {
      await syslog.flush();
      await syslog.close();
    },
  };
}
