/** The Logger port on pino: JSON lines on stdout, secrets redacted by key name as a last line of defence. */
import pino from 'pino';
import type { LogFields, Logger } from '@palisade/common';

const REDACT = [
  'password',
  'secret',
  'token',
  'authorization',
  'cookie',
  'key',
  'ha1Md5',
  'ha1Sha256',
  'tokenHash',
];

function wrap(p: pino.Logger): Logger {
  return {
    debug: (msg: string, fields?: LogFields) => p.debug(fields ?? {}, msg),
    info: (msg: string, fields?: LogFields) => p.info(fields ?? {}, msg),
    warn: (msg: string, fields?: LogFields) => p.warn(fields ?? {}, msg),
    error: (msg: string, fields?: LogFields) => p.error(fields ?? {}, msg),
    child: (bindings: LogFields) => wrap(p.child(bindings)),
  };
}

export function createPinoLogger(
  level: string,
  destination: pino.DestinationStream = pino.destination({ dest: 1, sync: false }),
): Logger & { flush(): void } {
  const p = pino(
    {
      level,
      base: { app: 'palisade' },
      redact: { paths: [...REDACT, ...REDACT.map((k) => `*.${k}`)], censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  return Object.assign(wrap(p), { flush: () => p.flush() });
}
