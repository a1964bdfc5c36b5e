/** Formatting helpers shared by every view. Pure: `now` is passed in, never read here. */

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** "3h 12m", "45s", "2d 4h": the two most significant units of a span. */
export function formatSpan(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < MINUTE_MS) return `${Math.max(0, Math.floor(abs / 1000))}s`;
  if (abs < HOUR_MS) {
    const m = Math.floor(abs / MINUTE_MS);
    const s = Math.floor((abs % MINUTE_MS) / 1000);
    return m < 10 && s > 0 ? `${m}m ${s}s` : `${m}m`;
  }
  if (abs < DAY_MS) {
    const h = Math.floor(abs / HOUR_MS);
    const m = Math.floor((abs % HOUR_MS) / MINUTE_MS);
    return m > 0 ? `${h}h ${m}m` : `${h}h`;
  }
  const d = Math.floor(abs / DAY_MS);
  const h = Math.floor((abs % DAY_MS) / HOUR_MS);
  return h > 0 ? `${d}d ${h}h` : `${d}d`;
}

/** Below this a past instant reads "just now": the feed re-renders every 10 s, so finer steps would not show anyway. */
const JUST_NOW_MS = 10_000;

/**
 * "just now", "5m ago" for an instant that has passed (an event, a heartbeat). The server
 * stamps it and the browser's clock may run behind, so an instant "in the future" is clock
 * skew: it reads "just now", never "in 5s".
 */
export function formatAgo(iso: string | null, now: number): string {
  if (iso === null) return 'never';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '—';
  const delta = now - at;
  return delta < JUST_NOW_MS ? 'just now' : `${formatSpan(delta)} ago`;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

export function formatDateTime(iso: string | null): string {
  if (iso === null) return '—';
  const at = Date.parse(iso);
  return Number.isNaN(at) ? '—' : dateTime.format(at);
}

export function formatClock(ms: number): string {
  return clock.format(ms);
}

const integer = new Intl.NumberFormat('en-US');

export function formatCount(n: number): string {
  return integer.format(n);
}

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 4 });

/** 0.0123 -> "$0.0123", 1.5 -> "$1.50": agent attempts cost cents, so small amounts keep their digits. */
export function formatUsd(amount: number): string {
  return usd.format(amount);
}

/** 0.934 -> "93%"; null when there is nothing to divide. */
export function formatPercent(ratio: number | null, digits = 0): string {
  if (ratio === null || !Number.isFinite(ratio)) return '—';
  return `${(ratio * 100).toFixed(digits)}%`;
}

/** Splits "a, b,c" into trimmed, non-empty, de-duplicated items. */
export function splitList(raw: string): string[] {
  return [
    ...new Set(
      raw
        .split(/[,\n]/)
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
    ),
  ];
}

/** A `datetime-local` value (local wall time) as an ISO instant, or null when empty/invalid. */
export function localInputToIso(value: string): string | null {
  if (value.trim() === '') return null;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
