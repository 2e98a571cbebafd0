/**
 * Where security and access events go: the JSON log always, and syslog when
 * configured (see the syslog section of the configuration).
 */
import type { Logger, SecurityEvent, SecurityEventSink } from '@palisade/common';

export function loggingEventSink(logger: Logger): SecurityEventSink {
  const log = logger.child({ stream: 'security' });
  return {
    emit(event: SecurityEvent) {
      log.info(event.type, { ...event });
    },
  };
}
