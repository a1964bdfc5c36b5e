import { InternalError } from '../../core/errors.js';
import type { SqlRow } from './connection.js';

/**
 * Typed column readers shared by the row modules. A value of the wrong type means the
 * file was written by something else or the schema drifted: fail loudly, never guess.
 */
export function text(row: SqlRow, column: string): string {
  return textValue(row[column], column);
}

export function textOrNull(row: SqlRow, column: string): string | null {
  return textOrNullValue(row[column], column);
}

export function num(row: SqlRow, column: string): number {
  return numValue(row[column], column);
}

export function numOrNull(row: SqlRow, column: string): number | null {
  return numOrNullValue(row[column], column);
}

export function bool(row: SqlRow, column: string): boolean {
  return boolValue(row[column], column);
}

export function oneOf<T extends string>(row: SqlRow, column: string, allowed: readonly T[]): T {
  return oneOfValue(row[column], column, allowed);
}

/** A JSON column holding an array of strings (capabilities, labels, ids). */
export function stringArray(row: SqlRow, column: string): string[] {
  return stringArrayValue(row[column], column);
}

/** A JSON column holding any value; SQL NULL reads as null. */
export function json(row: SqlRow, column: string): unknown {
  return jsonValue(row[column], column);
}

/** The same readers over a value already taken from the row (`column` names it in the error). */
export function textValue(v: unknown, column: string): string {
  if (typeof v !== 'string') throw corrupt(column, v);
  return v;
}

export function textOrNullValue(v: unknown, column: string): string | null {
  return v === null ? null : textValue(v, column);
}

export function numValue(v: unknown, column: string): number {
  if (typeof v !== 'number') throw corrupt(column, v);
  return v;
}

export function numOrNullValue(v: unknown, column: string): number | null {
  return v === null ? null : numValue(v, column);
}

export function boolValue(v: unknown, column: string): boolean {
  return numValue(v, column) !== 0;
}

export function oneOfValue<T extends string>(v: unknown, column: string, allowed: readonly T[]): T {
  const found = allowed.find((a) => a === v);
  if (found === undefined) throw corrupt(column, v);
  return found;
}

export function stringArrayValue(v: unknown, column: string): string[] {
  const parsed: unknown = JSON.parse(textValue(v, column));
  if (!Array.isArray(parsed) || !parsed.every((x): x is string => typeof x === 'string')) throw corrupt(column, parsed);
  return parsed;
}

export function jsonValue(v: unknown, column: string): unknown {
  const raw = textOrNullValue(v, column);
  return raw === null ? null : (JSON.parse(raw) as unknown);
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
