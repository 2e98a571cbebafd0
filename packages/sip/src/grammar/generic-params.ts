/**
 * generic-param lists (`;name=value`), used by header parameters and URI
 * parameters alike. Immutable: every change returns a new list. Names compare
 * case-insensitively (RFC 3261 §7.3.1); order is kept for serialising.
 */
import { isGenValueChar, isToken } from './char-classes.ts';
import { quote } from './value-scanner.ts';
import type { Scanner } from './value-scanner.ts';

export interface Param {
  readonly name: string;
  /** `null` for a parameter without a value (`;lr`). Quoted values are stored unquoted. */
  readonly value: string | null;
  readonly quoted: boolean;
}

export class Params {
  static readonly empty = new Params([]);
  readonly list: readonly Param[];

  constructor(list: readonly Param[]) {
    this.list = list;
  }

  get size(): number {
    return this.list.length;
  }

  #find(name: string): Param | undefined {
    const lower = name.toLowerCase();
    return this.list.find((p) => p.name.toLowerCase() === lower);
  }

  has(name: string): boolean {
    return this.#find(name) !== undefined;
  }

  /** The value, `null` when present without a value, `undefined` when absent. */
  get(name: string): string | null | undefined {
    return this.#find(name)?.value;
  }

  /** Adds or replaces `name`; values that are not tokens (or hosts) are quoted. */
  with(name: string, value: string | null, quoted?: boolean): Params {
    const needsQuote =
      quoted ??
      (value !== null &&
        !(value.length > 0 && [...value].every((c) => isGenValueChar(c.charCodeAt(0)))));
    const param: Param = { name, value, quoted: value !== null && needsQuote };
    const lower = name.toLowerCase();
    const index = this.list.findIndex((p) => p.name.toLowerCase() === lower);
    if (index < 0) return new Params([...this.list, param]);
    const next = [...this.list];
    next[index] = param;
    return new Params(next);
  }

  without(name: string): Params {
    const lower = name.toLowerCase();
    if (!this.has(name)) return this;
    return new Params(this.list.filter((p) => p.name.toLowerCase() !== lower));
  }

  toString(): string {
    let out = '';
    for (const p of this.list) {
      out += `;${p.name}`;
      if (p.value !== null) out += `=${p.quoted ? quote(p.value) : p.value}`;
    }
    return out;
  }
}

/**
 * Reads `*( SEMI generic-param )` at the cursor (RFC 3261 §25.1:
 * generic-param = token [ EQUAL gen-value ], gen-value = token / host /
 * quoted-string). Duplicate names are refused: a second `tag` or `branch`
 * would make matching ambiguous.
 */
export function readParams(s: Scanner): Params {
  const list: Param[] = [];
  while (s.consume(';')) {
    const name = s.expectToken('a parameter name');
    // a handful of parameters at most: a scan costs less than a Set per list
    if (list.length > 0 && hasParam(list, name))
      s.fail(`duplicate parameter ${name.toLowerCase()}`);
    if (s.consume('=')) {
      if (s.peek() === 0x22) list.push({ name, value: s.quoted(), quoted: true });
      else {
        const value = s.run(isGenValueChar);
        if (value.length === 0) s.fail('expected a parameter value');
        list.push({ name, value, quoted: false });
      }
    } else list.push({ name, value: null, quoted: false });
  }
  return list.length === 0 ? Params.empty : new Params(list);
}

/** Whether `list` has a parameter named `name` (names compare without case). */
export function hasParam(list: readonly Param[], name: string): boolean {
  const lower = name.toLowerCase();
  for (const p of list) if (p.name.toLowerCase() === lower) return true;
  return false;
}

/** True when `name` can be used as a parameter name. */
export const isParamName = isToken;
