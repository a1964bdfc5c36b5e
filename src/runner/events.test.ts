import { describe, expect, it } from 'vitest';
import { decideOutcome, logLine, OUTCOME_SUMMARY_MAX_CHARS, type RunnerEvent } from './events.js';

const session: RunnerEvent = { type: 'session', sessionId: 's-1', model: 'm' };
const ok: RunnerEvent = { type: 'finished', ok: true, reason: 'success', result: 'done it' };
const notOk: RunnerEvent = { type: 'finished', ok: false, reason: 'hit the turn limit' };
const rejected: RunnerEvent = {
  type: 'quota',
  status: 'rejected',
  resetsAt: '2026-12-01T15:00:00.000Z',
  message: 'five_hour limit: rejected',
};

describe('decideOutcome', () => {
  it('completes on a successful final event and exit code 0, with the result as summary', () => {
    const outcome = decideOutcome({ events: [session, { type: 'text', text: 'working' }, ok], exitCode: 0, guard: null });
    expect(outcome).toMatchObject({ kind: 'completed', reason: 'success', summary: 'done it' });
  });

  it('fails a successful final event when the exit code is not 0', () => {
    expect(decideOutcome({ events: [ok], exitCode: 2, guard: null })).toMatchObject({
      kind: 'failed',
      reason: 'reported success but exited with code 2',
    });
  });

  it('fails with the CLI reason and names the exit code when it is not 0', () => {
    expect(decideOutcome({ events: [notOk], exitCode: 1, guard: null }).reason).toBe('hit the turn limit (exited with code 1)');
    expect(decideOutcome({ events: [notOk], exitCode: 0, guard: null }).reason).toBe('hit the turn limit');
  });

  it('fails a run that ended without a final event, even on exit 0', () => {
    expect(decideOutcome({ events: [session], exitCode: 0, guard: null })).toMatchObject({
      kind: 'failed',
      reason: 'ended without a result',
    });
    expect(decideOutcome({ events: [session], exitCode: null, signal: 'SIGSEGV', guard: null }).reason).toBe(
      'ended without a result (killed by SIGSEGV)',
    );
  });

  it('for a profile whose exit status is its word, exit 0 completes with the last output line as the summary', () => {
    const printed: RunnerEvent[] = [logLine('building'), logLine('all 12 checks passed'), logLine('  ')];
    expect(decideOutcome({ events: printed, exitCode: 0, guard: null, exitZeroCompletes: true })).toMatchObject({
      kind: 'completed',
      summary: 'all 12 checks passed',
    });
    expect(decideOutcome({ events: printed, exitCode: 2, guard: null, exitZeroCompletes: true })).toMatchObject({
      kind: 'failed',
      reason: 'ended without a result (exited with code 2)',
    });
    expect(decideOutcome({ events: [notOk], exitCode: 0, guard: null, exitZeroCompletes: true }).kind).toBe('failed');
  });

  it("names the profile's documented exit code", () => {
    const outcome = decideOutcome({ events: [], exitCode: 53, guard: null, exitMeanings: { 53: 'turn limit exceeded' } });
    expect(outcome.reason).toBe('ended without a result (exited with code 53: turn limit exceeded)');
  });

  it('a fired guard wins over everything and is named in the reason', () => {
    const outcome = decideOutcome({ events: [rejected, ok], exitCode: 0, guard: { name: 'stall', detail: 'no output for 600 s' } });
    expect(outcome).toMatchObject({ kind: 'failed', reason: 'guard stall stopped the agent: no output for 600 s' });
  });

  it('a rejected quota requeues as quota with the reset time the CLI gave', () => {
    const outcome = decideOutcome({ events: [rejected, notOk], exitCode: 1, guard: null });
    expect(outcome).toMatchObject({ kind: 'quota', resetsAt: '2026-12-01T15:00:00.000Z' });
    expect(outcome.reason).toContain('usage limit');
  });

  it('a quota without a reset time leaves resetsAt null so the runner uses its cool-down', () => {
    const outcome = decideOutcome({ events: [{ ...rejected, resetsAt: null }], exitCode: 1, guard: null });
    expect(outcome).toMatchObject({ kind: 'quota', resetsAt: null });
  });

  it('a reset time from an earlier warning carries to a rejection that gives none', () => {
    const warning: RunnerEvent = { type: 'quota', status: 'warning', resetsAt: '2026-12-01T16:00:00.000Z', message: 'w' };
    const outcome = decideOutcome({ events: [warning, { ...rejected, resetsAt: null }, notOk], exitCode: 1, guard: null });
    expect(outcome.resetsAt).toBe('2026-12-01T16:00:00.000Z');
  });

  it('a quota warning alone does not stop a clean success', () => {
    const warning: RunnerEvent = { type: 'quota', status: 'warning', resetsAt: null, message: 'w' };
    expect(decideOutcome({ events: [warning, ok], exitCode: 0, guard: null }).kind).toBe('completed');
  });

  it('sums usage over events and leaves cost undefined when no event had one', () => {
    const turn: RunnerEvent = { type: 'usage', inputTokens: 10, outputTokens: 2, cachedTokens: 5, turns: 1 };
    const outcome = decideOutcome({ events: [turn, turn, ok], exitCode: 0, guard: null });
    expect(outcome.usage).toEqual({
      inputTokens: 20,
      outputTokens: 4,
      cachedTokens: 10,
      costUsd: undefined,
      turns: 2,
      durationMs: undefined,
    });
    const paid = decideOutcome({ events: [{ ...turn, costUsd: 0.25, durationMs: 100 }, ok], exitCode: 0, guard: null });
    expect(paid.usage).toMatchObject({ costUsd: 0.25, durationMs: 100 });
  });

  it('summarises with the last text when the final event carries none, joining streamed chunks', () => {
    const events: RunnerEvent[] = [
      { type: 'text', text: 'first message' },
      { type: 'text', text: 'All ', delta: true },
      { type: 'log', stream: 'stdout', line: 'noise' },
      { type: 'text', text: 'done.', delta: true },
      { type: 'finished', ok: true, reason: 'success' },
    ];
    expect(decideOutcome({ events, exitCode: 0, guard: null }).summary).toBe('All done.');
  });

  it('bounds the summary', () => {
    const outcome = decideOutcome({ events: [{ ...ok, result: 'x'.repeat(10_000) }], exitCode: 0, guard: null });
    expect(outcome.summary).toHaveLength(OUTCOME_SUMMARY_MAX_CHARS);
  });
});
