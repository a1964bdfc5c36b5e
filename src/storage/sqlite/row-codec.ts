import { InternalError } from '../../core/errors.js';
import type { SqlRow } from './connection.js';

/**
 * Typed column readers shared by the row modules. A value of the wrong type means the
 * file was written by something else or the schema drifted: fail loudly, never guess.
 */
export function text(row: SqlRow, column: string): string {
  const v = row[column];
  if (typeof v !== 'string') throw corrupt(column, v);
  return v;
}

export function textOrNull(row: SqlRow, column: string): string | null {
  const v = row[column];
  return v === null ? null : text(row, column);
}

export function num(row: SqlRow, column: string): number {
  const v = row[column];
  if (typeof v !== 'number') throw corrupt(column, v);
  return v;
}

export function numOrNull(row: SqlRow, column: string): number | null {
  const v = row[column];
  return v === null ? null : num(row, column);
}

export function bool(row: SqlRow, column: string): boolean {
  return num(row, column) !== 0;
}

export function oneOf<T extends string>(row: SqlRow, column: string, allowed: readonly T[]): T {
  const v = text(row, column);
  const found = allowed.find((a) => a === v);
  if (found === undefined) throw corrupt(column, v);
  return found;
}

/** A JSON column holding an array of strings (capabilities, labels, ids). */
export function stringArray(row: SqlRow, column: string): string[] {
  const parsed: unknown = JSON.parse(text(row, column));
  if (!Array.isArray(parsed) || !parsed.every((x): x is string => typeof x === 'string')) throw corrupt(column, parsed);
  return parsed;
}

/** A JSON column holding any value; SQL NULL reads as null. */
export function json(row: SqlRow, column: string): unknown {
  const v = textOrNull(row, column);
  return v === null ? null : (JSON.parse(v) as unknown);
}

/** Encodes a value for a JSON column; `undefined` is stored as JSON null. */
export function toJson(value: unknown): string {
  return JSON.stringify(value ?? null);
}

export function toBit(value: boolean): number {
  return value ? 1 : 0;
}

function corrupt(column: string, value: unknown): InternalError {
  return new InternalError(`Unexpected value in column ${column}: ${JSON.stringify(value)}`);
}
