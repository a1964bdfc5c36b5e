/**
 * How single values read in tables and field lists: one spelling for "nothing", for times
 * and for lists, so every command shows them alike.
 */

/** What an empty cell shows. */
export const NONE = '-';

/** An ISO time from the server as `2026-12-01 13:53:17Z` (UTC, to the second): sortable, and the same on every machine. */
export function time(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return NONE;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** `a, b, c`, or {@link NONE}. */
export function list(items: readonly string[] | null | undefined): string {
  return items === null || items === undefined || items.length === 0 ? NONE : items.join(', ');
}

/** A value or {@link NONE}. */
export function orNone(value: string | number | null | undefined): string {
  return value === null || value === undefined || value === '' ? NONE : String(value);
}

/** Milliseconds as `850ms`, `12.3s`, `4m05s` or `2h03m`: a duration read at a glance. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes}m${String(Math.floor((ms % 60_000) / 1000)).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
