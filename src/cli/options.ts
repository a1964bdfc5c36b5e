import { InvalidArgumentError } from 'commander';

/**
 * Value parsers for options. Each throws commander's InvalidArgumentError, so a bad value is
 * a usage error (exit 2, the option named) before any request is sent, rather than a 400
 * from the server after one.
 */

/** An integer option within bounds, e.g. `--limit` or `--max-attempts`. */
export function integer(min: number, max: number = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || n < min || n > max) {
      throw new InvalidArgumentError(`expected an integer from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}`);
    }
    return n;
  };
}

/** A number option within bounds, e.g. `--reliability 0.9`. */
export function decimal(min: number, max: number = Number.MAX_VALUE): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a number from ${min}${max === Number.MAX_VALUE ? ' up' : ` to ${max}`}`);
    }
    return n;
  };
}

/**
 * A repeatable option that also takes comma lists: `--label a --label b,c` is `[a, b, c]`.
 * With `allowed`, each item is matched to it ignoring case (`--status pending` is PENDING).
 */
export function listOf<T extends string = string>(allowed?: readonly T[]): (value: string, previous: T[] | undefined) => T[] {
  return (value, previous) => {
    const items = value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
    if (items.length === 0) throw new InvalidArgumentError('expected one or more comma-separated values');
    // Without `allowed` T is string: every item is one.
    return [...(previous ?? []), ...items.map((item) => (allowed === undefined ? (item as T) : oneOf(allowed, item)))];
  };
}

/** One of a closed set, ignoring case, answered in the set's own spelling (`p1` is P1). */
export function choice<T extends string>(allowed: readonly T[]): (value: string) => T {
  return (value) => oneOf(allowed, value.trim());
}

const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;
const UNIT_MS = [86_400_000, 3_600_000, 60_000, 1000] as const;

/**
 * An SLA deadline: an ISO date-time (`2026-12-24T18:00:00Z`) or a duration from now (`90m`,
 * `2h`, `1d12h`), as an ISO string for the API. A deadline already past is refused here: the
 * server would take it, and the task would be late from birth.
 */
export function deadline(now: () => number): (value: string) => string {
  return (value) => {
    const text = value.trim();
    const parts = DURATION.exec(text);
    if (parts !== null && text !== '') {
      const ms = UNIT_MS.reduce((sum, unit, i) => sum + Number(parts[i + 1] ?? 0) * unit, 0);
      if (ms > 0) return new Date(now() + ms).toISOString();
    }
    const at = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) ? Date.parse(text) : Number.NaN;
    if (Number.isNaN(at))
      throw new InvalidArgumentError(
        'expected an ISO date-time with its zone (2026-12-24T18:00:00Z) or a duration such as 90m, 2h or 1d12h',
      );
    if (at <= now()) throw new InvalidArgumentError(`${text} is already past`);
    return new Date(at).toISOString();
  };
}

function oneOf<T extends string>(allowed: readonly T[], value: string): T {
  const match = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
  if (match === undefined) throw new InvalidArgumentError(`"${value}" is not one of ${allowed.join(', ')}`);
  return match;
}
