/**
 * Reads the configuration: defaults, then `palisade.yaml`, then
 * `PALISADE_<SECTION>_<KEY>` environment variables, then command-line flags.
 * Every value is validated; all problems are reported at once, each with the
 * setting's name, where it came from and why it was refused.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { PalisadeError } from '@palisade/common';
import { configSchema, crossChecks, type PalisadeConfig } from './schema.ts';
import { envName, SettingError, type Schema, type Source } from './schema-kit.ts';

export interface ConfigProblem {
  readonly key: string;
  readonly source: string;
  readonly message: string;
}

export class ConfigError extends PalisadeError {
  readonly problems: readonly ConfigProblem[];
  constructor(problems: readonly ConfigProblem[]) {
    super(
      'config_invalid',
      `invalid configuration:\n${problems.map((p) => `  - ${p.key} (${p.source}): ${p.message}`).join('\n')}`,
    );
    this.problems = problems;
  }
}

export interface LoadConfigOptions {
  /** Explicit --config path; when absent, `palisade.yaml` in the working directory if present. */
  readonly file?: string | undefined;
  readonly env?: NodeJS.ProcessEnv;
  /** Values from command-line flags, as `section.key` → raw string. */
  readonly flags?: Readonly<Record<string, string>>;
  readonly cwd?: string;
}

export interface LoadedConfig {
  readonly config: PalisadeConfig;
  readonly file: string | null;
}

const MAX_FILE_BYTES = 1_048_576;

function readFile(path: string, problems: ConfigProblem[]): Record<string, unknown> {
  const size = statSync(path).size;
  if (size > MAX_FILE_BYTES) {
    problems.push({
      key: '(file)',
      source: path,
      message: `is ${size} bytes; the limit is ${MAX_FILE_BYTES}`,
    });
    return {};
  }
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'), { maxAliasCount: 100 });
  } catch (err) {
    problems.push({
      key: '(file)',
      source: path,
      message: `is not valid YAML: ${(err as Error).message.split('\n')[0]}`,
    });
    return {};
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    problems.push({ key: '(file)', source: path, message: 'must be a mapping of sections' });
    return {};
  }
  return doc as Record<string, unknown>;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        (prev[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

/** A hint for a mistyped name: the known name at most two edits away. */
function closest(word: string, candidates: readonly string[]): string {
  const w = word.toLowerCase();
  const near = candidates.find((c) => editDistance(w, c.toLowerCase()) <= 2);
  return near ? ` (did you mean ${near}?)` : '';
}

export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const problems: ConfigProblem[] = [];
  const explicit = options.file ?? env.PALISADE_CONFIG;
  const file = explicit ?? (existsSync(`${cwd}/palisade.yaml`) ? `${cwd}/palisade.yaml` : null);
  if (explicit && !existsSync(explicit)) {
    throw new ConfigError([{ key: '(file)', source: explicit, message: 'does not exist' }]);
  }
  const fromFile = file ? readFile(file, problems) : {};

  const sections = Object.keys(configSchema);
  for (const [section, body] of Object.entries(fromFile)) {
    if (!(section in configSchema)) {
      problems.push({
        key: section,
        source: file ?? '',
        message: `is not a section${closest(section, sections)}`,
      });
    } else if (body !== null && (typeof body !== 'object' || Array.isArray(body))) {
      problems.push({ key: section, source: file ?? '', message: 'must be a mapping of settings' });
    }
  }

  const config: Record<string, Record<string, unknown>> = {};
  for (const [section, settings] of Object.entries(configSchema as Schema)) {
    const fileSection = (fromFile[section] ?? {}) as Record<string, unknown>;
    const keys = Object.keys(settings);
    if (typeof fileSection === 'object' && fileSection !== null && !Array.isArray(fileSection)) {
      for (const key of Object.keys(fileSection)) {
        if (!(key in settings))
          problems.push({
            key: `${section}.${key}`,
            source: file ?? '',
            message: `is not a setting${closest(key, keys)}`,
          });
      }
    }
    const out: Record<string, unknown> = {};
    for (const [key, setting] of Object.entries(settings)) {
      const candidates: [Source, string, unknown][] = [];
      if (typeof fileSection === 'object' && fileSection !== null && key in fileSection)
        candidates.push(['file', file ?? '', fileSection[key]]);
      const name = envName(section, key);
      if (env[name] !== undefined) candidates.push(['env', name, env[name]]);
      const flag = options.flags?.[`${section}.${key}`];
      if (flag !== undefined) candidates.push(['flag', `--${section}-${key}`, flag]);
      let value: unknown = setting.default;
      for (const [source, where, raw] of candidates) {
        try {
          value = setting.parse(raw, source);
        } catch (err) {
          if (!(err instanceof SettingError)) throw err;
          problems.push({ key: `${section}.${key}`, source: where, message: err.message });
        }
      }
      out[key] = value;
    }
    config[section] = out;
  }

  if (problems.length > 0) throw new ConfigError(problems);
  const typed = config as unknown as PalisadeConfig;
  const cross = crossChecks(typed);
  if (cross.length > 0)
    throw new ConfigError(cross.map((p) => ({ ...p, source: 'combined settings' })));
  return { config: typed, file };
}
