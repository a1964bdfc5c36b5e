import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SwitchboardError } from '../../core/errors.js';
import { decideOutcome, type RunnerEvent } from '../events.js';
import { PROFILES, PROFILE_NAMES, profileByName, type AgentProfile, type ProfileInput } from './index.js';

/** A recorded stream from test/fixtures/streams, parsed line by line as the runner will. */
function replay(profile: AgentProfile, file: string): RunnerEvent[] {
  const text = readFileSync(new URL(`../../../test/fixtures/streams/${file}`, import.meta.url), 'utf8');
  return text.split('\n').flatMap((line) => profile.parseLine(line));
}

const input: ProfileInput = {
  task: {
    id: 'TASK-007',
    title: 'Add retries',
    description: 'Webhooks should retry.',
    labels: ['backend'],
    requiredCapabilities: ['typescript'],
    preferredCapabilities: [],
    dependencies: [],
    earlierFailures: [],
  },
  prompt: '--do the thing; $(rm -rf /)',
};

const ofType = <T extends RunnerEvent['type']>(events: RunnerEvent[], type: T) =>
  events.filter((e): e is Extract<RunnerEvent, { type: T }> => e.type === type);

describe('claude profile on recorded streams', () => {
  const claude = PROFILES.claude;

  it('success with tools and cost: session, texts, tool calls, usage, completed', () => {
    const events = replay(claude, 'claude-success.jsonl');
    expect(events[0]).toEqual({ type: 'session', sessionId: '8f1c2a34-5b6d-4e7f-8091-a2b3c4d5e6f7', model: 'claude-sonnet-4-5' });
    expect(ofType(events, 'tool').map((t) => [t.name ?? t.id, t.status])).toEqual([
      ['Read', 'started'],
      ['toolu_01X', 'succeeded'],
      ['Bash', 'started'],
      ['toolu_01Y', 'failed'],
    ]);
    expect(ofType(events, 'quota')).toEqual([
      { type: 'quota', status: 'warning', resetsAt: '2026-12-01T02:00:00.000Z', message: 'five_hour limit: allowed_warning' },
    ]);
    const outcome = decideOutcome({ events, exitCode: 0, guard: null });
    expect(outcome).toMatchObject({
      kind: 'completed',
      summary: 'Webhook deliveries now retry with exponential backoff; the notifier tests pass.',
      usage: { inputTokens: 1609, outputTokens: 189, cachedTokens: 34124, costUsd: 0.0734, turns: 3, durationMs: 48211 },
    });
  });

  it('a usage limit reported as is_error with subtype "success" is a quota, reset time from rate_limit_event', () => {
    const events = replay(claude, 'claude-usage-limit.jsonl');
    expect(ofType(events, 'finished')).toEqual([
      expect.objectContaining({ ok: false, reason: "reported an error: You've hit your session limit · resets 1:10am" }),
    ]);
    const outcome = decideOutcome({ events, exitCode: 1, guard: null });
    expect(outcome).toMatchObject({ kind: 'quota', resetsAt: '2026-12-01T03:10:00.000Z' });
    // Even if the CLI exited 0 the limit is not a success.
    expect(decideOutcome({ events, exitCode: 0, guard: null }).kind).toBe('quota');
  });

  it('error_max_turns fails with the turn count', () => {
    const outcome = decideOutcome({ events: replay(claude, 'claude-max-turns.jsonl'), exitCode: 1, guard: null });
    expect(outcome).toMatchObject({ kind: 'failed', reason: 'hit the turn limit (--max-turns) after 5 turns (exited with code 1)' });
    expect(outcome.usage.costUsd).toBe(0.1191);
  });

  it('reads the older cost_usd field', () => {
    const [usage] = claude.parseLine('{"type":"result","subtype":"success","is_error":false,"cost_usd":0.5,"result":"ok"}');
    expect(usage).toMatchObject({ type: 'usage', costUsd: 0.5 });
  });
});

describe('codex profile on recorded streams', () => {
  const codex = PROFILES.codex;

  it('success: thread id, commands and file changes as tools, agent message as summary, turn usage', () => {
    const events = replay(codex, 'codex-success.jsonl');
    expect(events[0]).toEqual({ type: 'session', sessionId: '0199a213-81c0-7800-8aa1-bbab2a035a53', model: null });
    expect(ofType(events, 'tool').map((t) => [t.name, t.status])).toEqual([
      ['command', 'started'],
      ['command', 'succeeded'],
      ['file_change', 'succeeded'],
      ['command', 'started'],
      ['command', 'failed'],
    ]);
    expect(decideOutcome({ events, exitCode: 0, guard: null })).toMatchObject({
      kind: 'completed',
      summary: 'Added retries with backoff to the notifier; one flaky test fixed.',
      usage: { inputTokens: 24763, outputTokens: 122, cachedTokens: 24448, costUsd: undefined, turns: 1 },
    });
  });

  it('a usage-limit error then turn.failed is a quota without a reset time (cool-down applies)', () => {
    const events = replay(codex, 'codex-usage-limit.jsonl');
    expect(ofType(events, 'finished')[0]?.ok).toBe(false);
    expect(decideOutcome({ events, exitCode: 1, guard: null })).toMatchObject({ kind: 'quota', resetsAt: null });
  });

  it('a turn.failed that is not a limit is a failure', () => {
    const events = codex.parseLine('{"type":"turn.failed","error":{"message":"stream disconnected before completion"}}');
    expect(decideOutcome({ events, exitCode: 1, guard: null })).toMatchObject({
      kind: 'failed',
      reason: 'turn failed: stream disconnected before completion (exited with code 1)',
    });
  });

  it('reads the older item_type field', () => {
    expect(codex.parseLine('{"type":"item.completed","item":{"id":"i","item_type":"agent_message","text":"hi"}}')).toEqual([
      { type: 'text', text: 'hi' },
    ]);
  });
});

describe('gemini profile on recorded streams', () => {
  const gemini = PROFILES.gemini;
  const decide = (events: RunnerEvent[], exitCode: number) =>
    decideOutcome({ events, exitCode, guard: null, exitMeanings: gemini.exitMeanings });

  it('success: streamed message chunks make the summary, stats make the usage', () => {
    const events = replay(gemini, 'gemini-success.jsonl');
    expect(events[0]).toEqual({ type: 'session', sessionId: '5e1c9a7b-2f3d-4c8e-9a10-b2c3d4e5f6a7', model: 'gemini-2.5-pro' });
    expect(ofType(events, 'tool').map((t) => [t.name ?? t.id, t.status])).toEqual([
      ['read_file', 'started'],
      ['read_file-1764590402350-0', 'succeeded'],
      ['run_shell_command', 'started'],
      ['run_shell_command-1764590405002-1', 'failed'],
    ]);
    expect(ofType(events, 'log').map((l) => l.line)).toEqual(['gemini warning: Loop detection: the same tool was called repeatedly']);
    expect(decide(events, 0)).toMatchObject({
      kind: 'completed',
      summary: 'Retries are in place; tests pass.',
      usage: { inputTokens: 17950, outputTokens: 472, cachedTokens: 12001, costUsd: undefined, durationMs: 12700 },
    });
  });

  it('exit 53 without a result names the turn limit', () => {
    expect(decide(replay(gemini, 'gemini-turn-limit.jsonl'), 53)).toMatchObject({
      kind: 'failed',
      reason: 'ended without a result (exited with code 53: turn limit exceeded)',
    });
  });

  it('exit 41 names the authentication failure', () => {
    expect(decide(replay(gemini, 'gemini-auth.jsonl'), 41).reason).toBe(
      'ended without a result (exited with code 41: authentication failed)',
    );
  });

  it('a quota error and an error result is a quota', () => {
    expect(decide(replay(gemini, 'gemini-quota.jsonl'), 1)).toMatchObject({ kind: 'quota', resetsAt: null });
  });
});

describe('copilot profile on a recorded stream', () => {
  it('success: session, messages, tool calls, result', () => {
    const events = replay(PROFILES.copilot, 'copilot-success.jsonl');
    expect(events[0]).toEqual({ type: 'session', sessionId: '9b4f2d0e-5c6a-4f1b-8d43-e5f6a7b8c9d0', model: 'claude-sonnet-4.5' });
    expect(ofType(events, 'tool').map((t) => [t.name, t.status])).toEqual([
      ['view', 'started'],
      ['view', 'succeeded'],
    ]);
    expect(decideOutcome({ events, exitCode: 0, guard: null })).toMatchObject({
      kind: 'completed',
      summary: 'Added retries with backoff to the notifier.',
      usage: { durationMs: 9120, costUsd: undefined },
    });
  });
});

describe('command profile protocol', () => {
  const command = PROFILES.command;

  it('reads progress, log and result lines, and keeps anything else as log text', () => {
    expect(command.parseLine('{"type":"progress","progress":140}')).toEqual([{ type: 'progress', percent: 100 }]);
    expect(command.parseLine('{"type":"log","message":"cloning"}')).toEqual([{ type: 'log', stream: 'stdout', line: 'cloning' }]);
    expect(command.parseLine('{"type":"result","result":"merged"}')).toEqual([
      { type: 'finished', ok: true, reason: 'success', result: 'merged' },
    ]);
    expect(command.parseLine('{"type":"result","ok":false,"reason":"lint failed"}')).toEqual([
      { type: 'finished', ok: false, reason: 'lint failed' },
    ]);
    expect(command.parseLine('{"files":3}')).toEqual([{ type: 'log', stream: 'stdout', line: '{"files":3}' }]);
    expect(command.parseLine('plain output')).toEqual([{ type: 'log', stream: 'stdout', line: 'plain output' }]);
    expect(command.parseLine('   ')).toEqual([]);
  });
});

describe('buildCommand', () => {
  it('claude: print mode, stream-json, limits, permission mode, prompt last after --', () => {
    const spec = PROFILES.claude.buildCommand(input, {
      model: 'opus',
      maxTurns: 30,
      maxBudgetUsd: 2.5,
      mode: 'dontAsk',
      extraArgs: ['--bare'],
    });
    expect(spec).toEqual({
      command: 'claude',
      args: [
        '-p',
        '--output-format',
        'stream-json',
        '--verbose',
        '--model',
        'opus',
        '--max-turns',
        '30',
        '--max-budget-usd',
        '2.5',
        '--permission-mode',
        'dontAsk',
        '--bare',
        '--',
        input.prompt,
      ],
      env: {},
    });
    expect(PROFILES.claude.buildCommand(input, {}).args).toEqual([
      '-p',
      '--output-format',
      'stream-json',
      '--verbose',
      '--permission-mode',
      'acceptEdits',
      '--',
      input.prompt,
    ]);
  });

  it('codex: exec --json with the workspace-write sandbox by default', () => {
    expect(PROFILES.codex.buildCommand(input, {}).args).toEqual(['exec', '--json', '-s', 'workspace-write', '--', input.prompt]);
    expect(PROFILES.codex.buildCommand(input, { model: 'gpt-5-codex', mode: 'read-only', extraArgs: ['--ephemeral'] }).args).toEqual([
      'exec',
      '--json',
      '-s',
      'read-only',
      '-m',
      'gpt-5-codex',
      '--ephemeral',
      '--',
      input.prompt,
    ]);
  });

  it('gemini: prompt in --prompt= form, stream-json, approval mode', () => {
    expect(PROFILES.gemini.buildCommand(input, { model: 'gemini-2.5-pro' }).args).toEqual([
      `--prompt=${input.prompt}`,
      '-o',
      'stream-json',
      '--approval-mode',
      'auto_edit',
      '-m',
      'gemini-2.5-pro',
    ]);
  });

  it('copilot: -p prompt, json output, tools allowed, never asks', () => {
    expect(PROFILES.copilot.buildCommand(input, { mode: 'allow-all' }).args).toEqual([
      '-p',
      input.prompt,
      '--output-format',
      'json',
      '--allow-all',
      '--no-ask-user',
    ]);
  });

  it('command: the operator line via /bin/sh -c, the task as data on stdin and in the environment', () => {
    const spec = PROFILES.command.buildCommand(input, { command: './agent.sh --fast', extraArgs: ['a b'] });
    expect(spec.command).toBe('/bin/sh');
    expect(spec.args).toEqual(['-c', './agent.sh --fast', 'switchboard-command', 'a b']);
    expect(JSON.parse(spec.stdin ?? '')).toEqual(input.task);
    expect(spec.env).toEqual({
      SWITCHBOARD_TASK_ID: 'TASK-007',
      SWITCHBOARD_TASK_JSON: JSON.stringify(input.task),
      SWITCHBOARD_PROMPT: input.prompt,
    });
  });

  it('refuses options a profile cannot honour, naming them', () => {
    expect(() => PROFILES.codex.buildCommand(input, { maxTurns: 5, maxBudgetUsd: 1 })).toThrow(
      'The codex profile does not support --max-turns, --max-budget-usd',
    );
    expect(() => PROFILES.claude.buildCommand(input, { command: 'x' })).toThrow('does not support --command');
    expect(() => PROFILES.command.buildCommand(input, {})).toThrow('needs --command');
    expect(() => PROFILES.claude.buildCommand(input, { mode: 'yolo' })).toThrow('--mode must be one of default, acceptEdits');
    expect(() => PROFILES.claude.buildCommand(input, { maxTurns: 2.5 })).toThrow('--max-turns must be a whole number');
    expect(() => PROFILES.claude.buildCommand(input, { maxBudgetUsd: -1 })).toThrow('--max-budget-usd must be a positive number');
  });

  it('the registry knows every profile by name and refuses others', () => {
    expect(PROFILE_NAMES).toEqual(['claude', 'codex', 'gemini', 'copilot', 'command']);
    for (const name of PROFILE_NAMES) expect(profileByName(name).name).toBe(name);
    expect(() => profileByName('cursor')).toThrow(SwitchboardError);
    expect(() => profileByName('toString')).toThrow('Unknown profile "toString"');
  });
});

describe('parseLine is total', () => {
  it.each(PROFILE_NAMES)('%s: never throws, arbitrary text becomes log events or nothing', (name) => {
    const profile = PROFILES[name];
    const jsonish = fc.oneof(
      fc.string(),
      fc.json(),
      fc
        .record({
          type: fc.constantFrom('result', 'assistant', 'user', 'item.completed', 'turn.failed', 'message', 'init', 'session.start'),
          rest: fc.anything(),
        })
        .map(({ type, rest }) => JSON.stringify({ type, message: rest, item: rest, usage: rest, stats: rest, data: rest, content: rest })),
    );
    fc.assert(
      fc.property(jsonish, (line) => {
        const events = profile.parseLine(line);
        expect(Array.isArray(events)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
