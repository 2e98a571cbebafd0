/**
 * Small DDL builders shared by migrations: length and character-class checks
 * that read the same on SQLite and PostgreSQL. Only constants go into these
 * (DDL cannot take bound parameters), so values are inlined as literals.
 */
import { sql } from 'kysely';
import type { RawBuilder } from 'kysely';
import type { SqlDialect } from './migration.ts';

/** `length(column)` between min and max (SQLite ignores VARCHAR lengths, so we check). */
export function lengthBetween(column: string, min: number, max: number): RawBuilder<unknown> {
  return sql`length(${sql.ref(column)}) between ${sql.lit(min)} and ${sql.lit(max)}`;
}

/**
 * Every character of `column` is in `charClass` (the inside of a bracket
 * expression, e.g. `0-9a-f`), written as a GLOB on SQLite and a regular
 * expression on PostgreSQL.
 */
export function onlyChars(
  dialect: SqlDialect,
  column: string,
  charClass: string,
): RawBuilder<unknown> {
  return dialect === 'postgres'
    ? sql`${sql.ref(column)} ~ ${sql.lit(`^[${charClass}]*$`)}`
    : sql`${sql.ref(column)} not glob ${sql.lit(`*[^${charClass}]*`)}`;
}

/** The SQL type of a boolean flag: BOOLEAN on PostgreSQL, 0/1 INTEGER on SQLite. */
export function flagType(dialect: SqlDialect): 'boolean' | 'integer' {
  return dialect === 'postgres' ? 'boolean' : 'integer';
}

/** A flag column's value check (SQLite has no boolean type). */
export function flagCheck(dialect: SqlDialect, column: string): RawBuilder<unknown> {
  return dialect === 'postgres' ? sql`true` : sql`${sql.ref(column)} in (0, 1)`;
}
