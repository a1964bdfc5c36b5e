/**
 * When a usage limit lifts, read from the words a CLI used for it. Claude's result says
 * "You've hit your session limit · resets 1:10am" (sometimes with "(Europe/Berlin)"), others
 * "try again in 5 minutes" or "retry after 90s". Structured reset times (claude's
 * `rate_limit_event`) win over this; it is the fallback before the runner's cool-down.
 */
export function resetTimeFromText(text: string, now: number): number | null {
  return relativeReset(text, now) ?? clockReset(text, now);
}

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000 };

/** "in 5 minutes", "after 1h 30m", "in 2 hours and 10 minutes", "in 90s". */
function relativeReset(text: string, now: number): number | null {
  const phrase = /\b(?:in|after)\s+((?:\d+\s*(?:hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)\b[\s,]*(?:and\s+)?)+)/i.exec(text);
  if (!phrase) return null;
  let ms = 0;
  for (const [, amount, unit] of phrase[1]!.matchAll(/(\d+)\s*([hms])/gi)) ms += Number(amount) * UNIT_MS[unit!.toLowerCase()]!;
  return ms > 0 ? now + ms : null;
}

/** "resets 1:10am", "resets at 14:00", "resets 3pm (Europe/Berlin)": the next such time in that zone, else the runner's. */
function clockReset(text: string, now: number): number | null {
  const clock = /\bresets?\s+(?:at\s+)?(\d{1,2})(?::(\d{2}))?\s*(am|pm)?(?:\s*\(([A-Za-z_]+(?:\/[A-Za-z_+-]+)*)\))?/i.exec(text);
  if (!clock) return null;
  let hour = Number(clock[1]);
  const minute = Number(clock[2] ?? 0);
  const meridiem = clock[3]?.toLowerCase();
  if (meridiem !== undefined && (hour < 1 || hour > 12)) return null;
  if (meridiem === 'pm' && hour !== 12) hour += 12;
  if (meridiem === 'am' && hour === 12) hour = 0;
  if (hour > 23 || minute > 59 || (meridiem === undefined && clock[2] === undefined)) return null;
  const wall = wallClockMinutes(now, clock[4]);
  if (wall === null) return null;
  // Minutes from now to the next time the zone's clock shows hour:minute (tomorrow when it has passed today).
  const ahead = (hour * 60 + minute - wall.minutes + 24 * 60) % (24 * 60) || 24 * 60;
  return now - wall.seconds * 1_000 + ahead * 60_000;
}

/** Minutes since midnight and seconds into the minute on the clocks of `zone` (the process's zone when undefined); null for an unknown zone. */
function wallClockMinutes(now: number, zone: string | undefined): { minutes: number; seconds: number } | null {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(new Date(now));
  } catch {
    return null;
  }
  const field = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { minutes: field('hour') * 60 + field('minute'), seconds: field('second') + (now % 1_000) / 1_000 };
}
