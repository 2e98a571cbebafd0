/** `palisade start`: runs until SIGTERM or SIGINT, then shuts down gracefully. */
import { createPinoLogger } from '../logging/pino-logger.ts';
import { startPalisade } from '../palisade-server.ts';
import { loggingEventSink } from '../security-events.ts';
import { loadCliConfig, type CliIo, type GlobalFlags } from './cli-context.ts';

export async function runServer(flags: GlobalFlags, io: CliIo): Promise<number> {
  const { config, file } = loadCliConfig(flags);
  const logger = createPinoLogger(config.log.level);
  logger.info('configuration loaded', { file: file ?? '(defaults)' });
  const server = await startPalisade({
    config,
    logger,
    events: loggingEventSink(logger),
    announce: (l) => io.out(l),
  });
  io.out(`Palisade is running: ${server.baseUrl}  (stop with Ctrl-C)`);
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      logger.info('signal received', { signal });
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      resolve();
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  const forced = setTimeout(() => {
    logger.error('shutdown took over 20 s; exiting');
    process.exit(1);
  }, 20_000);
  forced.unref();
  await server.stop();
  logger.flush();
  return 0;
}
