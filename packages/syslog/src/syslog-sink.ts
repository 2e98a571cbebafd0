/**
 * The security event sink that writes RFC 5424 messages to every configured
 * target. One sequence number per event, shared by all targets.
 */
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import {
  isPalisadeError,
  PalisadeError,
  type Clock,
  type Logger,
  type SecurityEventSink,
} from '@palisade/common';
import { DiskQueue } from './disk-queue.ts';
import { LocalTarget } from './local-target.ts';
import { formatSecurityEvent, type FormatOptions } from './rfc5424-format.ts';
import { SeqCounter } from './seq-counter.ts';
import { StreamTarget } from './stream-target.ts';
import {
  SYSLOG_FACILITIES,
  targetName,
  validateSyslogConfig,
  type SyslogConfig,
  type SyslogTargetConfig,
} from './syslog-config.ts';
import { describeError, type SyslogTarget, type TargetStats } from './syslog-target.ts';
import { UdpTarget } from './udp-target.ts';

export interface SyslogSinkDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  /** The server's data directory; queues and the sequence live in `<dataDir>/syslog/`. */
  readonly dataDir: string;
  /** PROCID; default: this process's id. */
  readonly procId?: string;
}

export interface SyslogSinkStats {
  /** Events formatted (each got a seq). */
  readonly emitted: number;
  /** The last seq given out, or 0. */
  readonly lastSeq: number;
  readonly targets: readonly TargetStats[];
}

export type SyslogSink = SecurityEventSink & {
  /** Resolves once queued messages are on disk and connected targets have been written to. */
  flush(): Promise<void>;
  /** Flushes what it can (bounded), closes every socket and timer; idempotent. */
  close(): Promise<void>;
  stats(): SyslogSinkStats;
};

function createTarget(
  target: SyslogTargetConfig,
  config: SyslogConfig,
  deps: SyslogSinkDeps,
  dir: string,
): SyslogTarget {
  const name = targetName(target);
  const logger = deps.logger;
  switch (target.kind) {
    case 'local':
      return new LocalTarget(name, target, logger);
    case 'udp':
      return new UdpTarget(name, target, logger);
    case 'tcp':
    case 'tls':
      return new StreamTarget({
        name,
        config: target,
        queue: DiskQueue.open(join(dir, name), config.queue, deps.clock, logger),
        resendWindow: config.queue.resendWindow,
        reconnect: config.reconnect,
        clock: deps.clock,
        logger,
      });
  }
}

/** Validates `config` (throws a `config_invalid` PalisadeError) and starts every target. */
export function createSyslogSink(config: SyslogConfig, deps: SyslogSinkDeps): SyslogSink {
  validateSyslogConfig(config);
  const dir = join(deps.dataDir, 'syslog');
  const format: FormatOptions = {
    facility: SYSLOG_FACILITIES[config.facility],
    hostname: config.hostname ?? osHostname(),
    appName: config.appName,
    procId: deps.procId ?? String(process.pid),
    maxMessageBytes: config.maxMessageBytes,
  };
  let seqErrorReported = false;
  const onSeqError = (err: unknown): void => {
    if (seqErrorReported) return;
    seqErrorReported = true;
    deps.logger.error('syslog: cannot persist the sequence number', { error: describeError(err) });
  };
  const targets: SyslogTarget[] = [];
  let seq: SeqCounter | undefined;
  try {
    if (config.enabled) {
      seq = new SeqCounter(dir, onSeqError);
      for (const t of config.targets) targets.push(createTarget(t, config, deps, dir));
    }
  } catch (err) {
    for (const t of targets) void t.close();
    if (isPalisadeError(err)) throw err;
    throw new PalisadeError('storage_failed', `syslog: cannot open its data under ${dir}`, {
      cause: err,
    });
  }
  let emitted = 0;
  let lastSeq = 0;
  let closing: Promise<void> | undefined;

  return {
    emit(event) {
      if (!seq || closing) return;
      lastSeq = seq.next();
      emitted++;
      const message = formatSecurityEvent(event, lastSeq, deps.clock.now(), format);
      for (const target of targets) target.send(message);
    },
    async flush() {
      await Promise.all(targets.map((t) => t.flush()));
    },
    close() {
      closing ??= (async () => {
        await Promise.all(targets.map((t) => t.close()));
        seq?.close();
      })();
      return closing;
    },
    stats() {
      return { emitted, lastSeq, targets: targets.map((t) => t.stats()) };
    },
  };
}
