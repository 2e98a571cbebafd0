/** The data directory: created on first use, readable by the server's user only. */
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { PalisadeError } from '@palisade/common';

export function prepareDataDir(dir: string): string {
  const path = resolve(dir);
  if (!existsSync(path)) mkdirSync(path, { recursive: true, mode: 0o700 });
  if (!statSync(path).isDirectory())
    throw new PalisadeError('config_invalid', `data.dir ${path} is not a directory`);
  chmodSync(path, 0o700);
  return path;
}
