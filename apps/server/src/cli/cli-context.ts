/** What every CLI command gets: parsed flags, the loaded configuration and an output channel. */
import { loadConfig, type LoadedConfig } from '../config/load-config.ts';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

export interface GlobalFlags {
  readonly config?: string | undefined;
  readonly dataDir?: string | undefined;
}

export function loadCliConfig(flags: GlobalFlags): LoadedConfig {
  return loadConfig({
    file: flags.config,
    flags: flags.dataDir ? { 'data.dir': flags.dataDir } : {},
  });
}

/** Thrown for a wrong command line: printed with the usage, exit code 2. */
export class UsageError extends Error {}
