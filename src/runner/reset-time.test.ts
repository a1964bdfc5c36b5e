import { describe, expect, it } from 'vitest';
import { resetTimeFromText } from './reset-time.js';

const NOW = Date.parse('2026-12-01T22:30:15.250Z');
const at = (text: string) => {
  const t = resetTimeFromText(text, NOW);
  return t === null ? null : new Date(t).toISOString();
};

describe('resetTimeFromText', () => {
  it('reads a relative wait in any of the usual wordings', () => {
    expect(at('Rate limit reached, try again in 5 minutes')).toBe('2026-12-01T22:35:15.250Z');
    expect(at('quota exceeded; retry after 1h 30m')).toBe('2026-12-02T00:00:15.250Z');
    expect(at('Too many requests. Please retry in 90s.')).toBe('2026-12-01T22:31:45.250Z');
    expect(at('usage limit, resets in 2 hours and 10 minutes')).toBe('2026-12-02T00:40:15.250Z');
  });

  it("reads claude's clock time in the zone it names, the next time that clock shows it", () => {
    expect(at("You've hit your session limit · resets 1:10am (UTC)")).toBe('2026-12-02T01:10:00.000Z');
    expect(at('limit reached · resets 11pm (UTC)')).toBe('2026-12-01T23:00:00.000Z');
    expect(at('limit reached · resets at 22:00 (UTC)')).toBe('2026-12-02T22:00:00.000Z');
    // Berlin is UTC+1 in December: 3am there is 2am UTC.
    expect(at('session limit · resets 3am (Europe/Berlin)')).toBe('2026-12-02T02:00:00.000Z');
  });

  it('uses the runner clock when no zone is named', () => {
    const t = resetTimeFromText('session limit · resets 1:10am', NOW);
    expect(t).not.toBeNull();
    const reset = new Date(t!);
    expect([reset.getHours(), reset.getMinutes()]).toEqual([1, 10]);
    expect(t! - NOW).toBeGreaterThan(0);
    expect(t! - NOW).toBeLessThanOrEqual(24 * 3_600_000);
  });

  it('gives null for text without a time it can trust', () => {
    for (const text of ['usage limit reached', 'resets soon', 'resets 13pm', 'resets 7 (UTC)', 'resets 3am (Not/AZone)', 'in 0 minutes']) {
      expect(at(text)).toBeNull();
    }
  });
});
