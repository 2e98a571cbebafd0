/**
 * A tiny typed schema for settings: each setting knows its default, its
 * documentation and how to read a value from the YAML file or from an
 * environment variable (always a string). The config type is inferred from
 * the schema, so defaults, validation and docs cannot drift apart.
 */

export type Source = 'file' | 'env' | 'flag';

export interface Setting<T> {
  readonly type: string;
  readonly default: T;
  readonly doc: string;
  /** Returns the value or throws a SettingError with a plain-words reason. */
  parse(raw: unknown, source: Source): T;
  /** How the reference shows a value, when String() would not do. */
  show?(value: T): string;
}

export class SettingError extends Error {}

export function string(
  def: string,
  doc: string,
  opts: { maxLength?: number; pattern?: RegExp; patternDoc?: string } = {},
): Setting<string> {
  const maxLength = opts.maxLength ?? 4096;
  return {
    type: 'string',
    default: def,
    doc,
    parse(raw) {
      if (typeof raw !== 'string') throw new SettingError('must be a string');
      if (raw.length > maxLength) throw new SettingError(`must be at most ${maxLength} characters`);
      if (opts.pattern && !opts.pattern.test(raw))
        throw new SettingError(`must be ${opts.patternDoc ?? `like ${String(opts.pattern)}`}`);
      return raw;
    },
  };
}

export function optionalString(
  doc: string,
  opts: { maxLength?: number } = {},
): Setting<string | null> {
  const inner = string('', doc, opts);
  return {
    type: 'string (optional)',
    default: null,
    doc,
    parse(raw, source) {
      if (raw === null || raw === undefined || raw === '') return null;
      return inner.parse(raw, source);
    },
  };
}

export function integer(def: number, doc: string, min: number, max: number): Setting<number> {
  return {
    type: `integer ${min}–${max}`,
    default: def,
    doc,
    parse(raw, source) {
      const value =
        source === 'file'
          ? raw
          : typeof raw === 'string' && /^-?\d+$/.test(raw.trim())
            ? Number(raw)
            : raw;
      if (typeof value !== 'number' || !Number.isInteger(value))
        throw new SettingError('must be a whole number');
      if (value < min || value > max) throw new SettingError(`must be between ${min} and ${max}`);
      return value;
    },
  };
}

export function port(def: number, doc: string): Setting<number> {
  return { ...integer(def, doc, 0, 65535), type: 'port 0–65535 (0 = off)' };
}

export function boolean(def: boolean, doc: string): Setting<boolean> {
  return {
    type: 'boolean',
    default: def,
    doc,
    parse(raw) {
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === '1' || raw === 'yes') return true;
      if (raw === 'false' || raw === '0' || raw === 'no') return false;
      throw new SettingError('must be true or false');
    },
  };
}

export function oneOf<const T extends string>(
  values: readonly T[],
  def: T,
  doc: string,
): Setting<T> {
  return {
    type: values.join(' | '),
    default: def,
    doc,
    parse(raw) {
      if (typeof raw !== 'string' || !(values as readonly string[]).includes(raw)) {
        throw new SettingError(`must be one of: ${values.join(', ')}`);
      }
      return raw as T;
    },
  };
}

/** A list: a YAML sequence in the file, comma-separated in the environment. */
export function list<T>(
  item: Setting<T>,
  def: readonly T[],
  doc: string,
  maxItems = 64,
): Setting<readonly T[]> {
  return {
    type: `list of ${item.type}`,
    default: def,
    doc,
    ...(item.show
      ? { show: (values: readonly T[]) => values.map((v) => item.show!(v)).join(', ') }
      : {}),
    parse(raw, source) {
      const items =
        typeof raw === 'string' && source !== 'file'
          ? raw
              .split(',')
              .map((s) => s.trim())
              .filter((s) => s !== '')
          : raw;
      if (!Array.isArray(items)) throw new SettingError('must be a list');
      if (items.length > maxItems) throw new SettingError(`must have at most ${maxItems} entries`);
      return items.map((v: unknown, i) => {
        try {
          return item.parse(v, source);
        } catch (err) {
          throw new SettingError(`entry ${i + 1} ${(err as Error).message}`);
        }
      });
    },
  };
}

export type Section = Readonly<Record<string, Setting<unknown>>>;
export type Schema = Readonly<Record<string, Section>>;
export type ConfigOf<S extends Schema> = {
  readonly [K in keyof S]: {
    readonly [P in keyof S[K]]: S[K][P] extends Setting<infer T> ? T : never;
  };
};

/** `http` + `trustedDomains` → `PALISADE_HTTP_TRUSTED_DOMAINS`. */
export function envName(section: string, key: string): string {
  const snake = (s: string): string => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
  return `PALISADE_${snake(section)}_${snake(key)}`;
}
