/** `palisade start`: runs until SIGTERM or SIGINT, then shuts down gracefully. */
import { createPinoLogger } from '../logging/pino-logger.ts';
import { startPalisade } from '../palisade-server.ts';
import { prepareDataDir } from '../data-dir.ts';
import { createSecurityEvents } from '../security-events.ts';
import { loadCliConfig, type CliIo, type GlobalFlags } from './cli-context.ts';

export async function runServer(flags: GlobalFlags, io: CliIo): Promise<number> {
  const { config, file } = loadCliConfig(flags);
  const logger = createPinoLogger(config.log.level);
  logger.info('configuration loaded', { file: file ?? '(defaults)' });
  const events = createSecurityEvents(config, prepareDataDir(config.data.dir), logger);
  let server;
  try {
    server = await startPalisade({ config, logger, events, announce: (l) => io.out(l) });
  } catch (err) {
    await events.close();
    throw err;
  }
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
  await events.close();
  logger.flush();
  return 0;
}
