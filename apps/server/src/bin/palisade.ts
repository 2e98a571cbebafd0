#!/usr/bin/env node
/** `palisade`: the server (`palisade start`) and the admin CLI. */
import { parseArgs } from 'node:util';
import pino from 'pino';
import { isPalisadeError } from '@palisade/common';
import { ConfigError } from '../config/load-config.ts';
import { processIo, UsageError } from '../cli/cli-context.ts';
import * as cmd from '../cli/commands.ts';
import { runServer } from '../cli/run-server.ts';
import { USAGE } from '../cli/usage.ts';
import { createPinoLogger } from '../logging/pino-logger.ts';

const io = processIo;

async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      config: { type: 'string' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      username: { type: 'string' },
      extension: { type: 'string' },
      name: { type: 'string' },
      email: { type: 'string' },
      mobile: { type: 'string' },
      tenant: { type: 'string' },
      user: { type: 'string' },
      'sip-username': { type: 'string' },
      label: { type: 'string' },
      scopes: { type: 'string' },
      'expires-days': { type: 'string' },
    },
  });
  const flags: cmd.Flags = { ...values, config: values.config, dataDir: values['data-dir'] };
  const [command, sub, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') {
    io.out(USAGE);
    return command === undefined && !values.help ? 2 : 0;
  }
  // Commands print results on stdout; diagnostics go to stderr.
  const logger = createPinoLogger('warn', pino.destination({ dest: 2, sync: true }));
  switch (`${command} ${sub ?? ''}`.trim()) {
    case 'start':
      return runServer(flags, io);
    case 'status':
      return cmd.status(flags, io);
    case 'config check':
      return cmd.configCheck(flags, io);
    case 'config reference':
      return cmd.configReference(flags, io);
    case 'db migrate':
      return cmd.dbMigrate(flags, io, logger);
    case 'user add':
      return cmd.userAdd(flags, io, logger);
    case 'user list':
      return cmd.userList(flags, io, logger);
    case 'registrations list':
      return cmd.registrationsList(flags, io, logger);
    case 'user remove':
      return cmd.userRemove(flags, rest, io, logger);
    case 'device add':
      return cmd.deviceAdd(flags, io, logger);
    case 'token create':
      return cmd.tokenCreate(flags, io, logger);
    case 'token revoke':
      return cmd.tokenRevoke(flags, rest, io, logger);
    case 'admin setup':
      return cmd.adminSetup(flags, io, logger);
    default:
      throw new UsageError(`unknown command: ${[command, sub].filter(Boolean).join(' ')}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (
      err instanceof UsageError ||
      (err as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
    ) {
      io.err(`palisade: ${(err as Error).message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else if (err instanceof ConfigError) {
      io.err(`palisade: ${err.message}`);
      process.exitCode = 78; // EX_CONFIG
    } else if (isPalisadeError(err)) {
      io.err(`palisade: ${err.message}`);
      process.exitCode = 1;
    } else {
      io.err(
        `palisade: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
      process.exitCode = 70;
    }
  },
);
