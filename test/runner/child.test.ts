import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runChild, type ChildRun, type RunChildInput } from '../../src/runner/child.js';
import { decideOutcome, type RunnerEvent } from '../../src/runner/events.js';
import type { GuardLimits } from '../../src/runner/guards.js';
import { PROFILES } from '../../src/runner/profiles/index.js';
import { fakeEnvironment, promptFor } from './fakes.js';

const claude = PROFILES.claude;

/** Runs the fake claude with a scenario under the given guards; `onEvent` sees every event. */
function runClaude(scenario: string, limits: GuardLimits = {}, extra: Partial<RunChildInput> = {}): Promise<ChildRun> {
  return runChild({
    spec: claude.buildCommand(promptFor(scenario), {}),
    cwd: process.cwd(),
    environment: fakeEnvironment(),
    parseLine: claude.parseLine,
    limits,
    onEvent: () => undefined,
    ...extra,
  });
}

/** Gone, or a zombie waiting for an init that may never reap it (containers): either way not running. */
function isAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

const outcomeOf = (run: ChildRun) =>
  decideOutcome({ events: run.events, exitCode: run.exitCode, signal: run.signal, guard: run.guard, exitMeanings: {} });

/** runChild on real processes: the fakes, and a shell for what they cannot show (grandchildren, stdin). */
describe('runChild', () => {
  it('streams normalised events in order, keeps log lines out of the outcome events, and ends by itself', async () => {
    const seen: RunnerEvent['type'][] = [];
    const run = await runClaude('success', {}, { onEvent: (e) => seen.push(e.type) });
    expect(seen).toEqual(['session', 'text', 'tool', 'tool', 'text', 'usage', 'finished']);
    expect(run).toMatchObject({ exitCode: 0, signal: null, guard: null, stoppedBy: null });
    expect(outcomeOf(run).kind).toBe('completed');
  });

  it('the stall guard stops a silent child and names itself', async () => {
    const run = await runClaude('stall', { stallMs: 300 });
    expect(run.guard).toEqual({ name: 'stall', detail: 'no output for 0.3 s' });
    expect(run.signal).toBe('SIGTERM');
    expect(outcomeOf(run).reason).toBe('guard stall stopped the agent: no output for 0.3 s');
  });

  it('the timeout guard stops a child that outlives it', async () => {
    const started = Date.now();
    const run = await runClaude('stall', { timeoutMs: 400, stallMs: 60_000 });
    expect(run.guard?.name).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('the cost guard fires on the reported cost', async () => {
    const run = await runClaude('long-output', { maxCostUsd: 0.1 });
    expect(run.guard).toEqual({ name: 'max-cost', detail: 'cost $0.5000, over the limit of $0.1' });
    expect(outcomeOf(run).kind).toBe('failed');
  });

  it('a child ignoring SIGTERM is killed after the grace period', async () => {
    const stderr: string[] = [];
    const started = Date.now();
    const run = await runClaude(
      'ignore-sigterm',
      { timeoutMs: 300 },
      { killGraceMs: 300, onEvent: (e) => e.type === 'log' && stderr.push(e.line) },
    );
    expect(stderr).toContain('ignoring SIGTERM');
    expect(run.signal).toBe('SIGKILL');
    expect(run.guard?.name).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('an abort stops the child and comes back as stoppedBy, not as a guard', async () => {
    const controller = new AbortController();
    const run = await runClaude(
      'stall',
      {},
      { signal: controller.signal, onEvent: (e) => e.type === 'session' && controller.abort('cancelled') },
    );
    expect(run).toMatchObject({ stoppedBy: 'cancelled', guard: null, signal: 'SIGTERM' });
  });

  it('reads 20,000 lines whole, the last one included', async () => {
    let texts = 0;
    const run = await runClaude('long-output', {}, { onEvent: (e) => e.type === 'text' && texts++ });
    expect(texts).toBe(20_000);
    expect(outcomeOf(run).summary).toBe('wrote 20000 lines');
  });

  it('a stop reaches the whole process group: a grandchild dies with the child', async () => {
    const pids: number[] = [];
    const controller = new AbortController();
    const run = runChild({
      // The shell starts a sleeper in the background and waits; only the group kill reaches the sleeper.
      spec: { command: '/bin/sh', args: ['-c', 'sleep 60 & echo "$!"; wait'], env: {} },
      cwd: process.cwd(),
      environment: fakeEnvironment(),
      parseLine: (line) => [{ type: 'log', stream: 'stdout', line }],
      limits: {},
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type !== 'log') return;
        pids.push(Number(e.line));
        controller.abort('stopping');
      },
    });
    await run;
    expect(pids).toHaveLength(1);
    expect(isAlive(pids[0]!)).toBe(false);
  });

  it('writes stdin and closes it; a child that never reads it is no error', async () => {
    const lines: string[] = [];
    const parseLine = (line: string): RunnerEvent[] => [{ type: 'log', stream: 'stdout', line }];
    const onEvent = (e: RunnerEvent) => e.type === 'log' && lines.push(e.line);
    const base = { cwd: process.cwd(), environment: fakeEnvironment(), parseLine, limits: {}, onEvent };
    await runChild({ ...base, spec: { command: '/bin/sh', args: ['-c', 'wc -c'], env: {}, stdin: 'x'.repeat(10) } });
    await runChild({ ...base, spec: { command: '/bin/sh', args: ['-c', 'exit 0'], env: {}, stdin: 'y'.repeat(1_000_000) } });
    expect(lines.map((l) => l.trim())).toEqual(['10']);
  });

  it('rejects when the program cannot be started', async () => {
    await expect(
      runChild({
        spec: { command: 'no-such-agent-cli', args: [], env: {} },
        cwd: process.cwd(),
        environment: fakeEnvironment(),
        parseLine: () => [],
        limits: {},
        onEvent: () => undefined,
      }),
    ).rejects.toThrow('could not start "no-such-agent-cli": spawn no-such-agent-cli ENOENT');
  });
});
