import { assertNever } from '../core/errors.js';

/**
 * The normalised event model of an agent run. Every profile turns its CLI's stdout lines
 * into these, so the runner, the logs and {@link decideOutcome} never learn a CLI's dialect:
 * adding a CLI is adding a profile, not teaching the runner a new stream.
 */
export type RunnerEvent =
  | { type: 'session'; sessionId: string; model: string | null }
  | {
      type: 'text';
      text: string;
      /** A chunk of a message streamed in pieces (gemini): consecutive chunks make one text. */
      delta?: true;
    }
  | {
      type: 'tool';
      /** The CLI's call id, when it has one: results often name only the id, so join on it. */
      id: string | null;
      /** Null when the CLI reports a result by call id only (claude, gemini `tool_result`). */
      name: string | null;
      input?: unknown;
      status: ToolStatus;
    }
  | {
      type: 'usage';
      inputTokens: number;
      outputTokens: number;
      cachedTokens: number;
      /** Only claude reports money; the others leave it out rather than claim zero. */
      costUsd?: number;
      turns?: number;
      durationMs?: number;
    }
  | { type: 'quota'; status: QuotaStatus; resetsAt: string | null; message: string }
  | { type: 'progress'; percent: number }
  | { type: 'finished'; ok: boolean; reason: string; result?: string }
  | { type: 'log'; stream: 'stdout' | 'stderr'; line: string };

export type ToolStatus = 'started' | 'succeeded' | 'failed';
export type QuotaStatus = 'allowed' | 'warning' | 'rejected';
export type RunnerEventType = RunnerEvent['type'];

/** Tokens, money and turns summed over a run; what the agent's cost accounting reads. */
export interface UsageTotals {
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  /** Undefined when the CLI never reported a cost (codex, gemini, copilot): unknown is not free. */
  costUsd: number | undefined;
  turns: number;
  durationMs: number | undefined;
}

/** A runner guard (timeout, stall, cost, log size) that stopped the child; it decides the outcome. */
export interface FiredGuard {
  name: string;
  detail: string;
}

export type OutcomeKind = 'completed' | 'failed' | 'quota';

/**
 * What one attempt came to. `quota` is apart from `failed` because the runner requeues it
 * without spending an attempt and pauses the agent until `resetsAt` (or its cool-down).
 */
export interface AttemptOutcome {
  kind: OutcomeKind;
  reason: string;
  /** ISO time the CLI said the limit resets; null when it gave none (use the cool-down). */
  resetsAt?: string | null;
  usage: UsageTotals;
  /** The final result text, or else the last assistant text: what the task's result shows. */
  summary: string;
}

export interface DecideOutcomeInput {
  events: readonly RunnerEvent[];
  /** Null when the child was killed by a signal. */
  exitCode: number | null;
  signal?: string | null;
  guard: FiredGuard | null;
  /** The profile's documented exit codes (gemini: 53 turn limit, ...), named in reasons. */
  exitMeanings?: Readonly<Record<number, string>>;
  /** Exit 0 without a final event completes (the `command` profile: any program's exit status is its word). */
  exitZeroCompletes?: boolean;
}

/** Longest summary kept: the result lands in the task row, full logs live apart. */
export const OUTCOME_SUMMARY_MAX_CHARS = 4_000;

/**
 * Decides an attempt's outcome from the final `finished` event AND the exit code AND the
 * guard that fired, never from one alone: claude says `subtype: "success"` on a usage limit,
 * and a CLI can print a happy result and still exit non-zero. Rules, first match wins:
 * 1. a guard fired: failed, the guard named in the reason (the child did not end by itself);
 * 2. a rejected quota event and no clean success: quota (requeue, no attempt spent);
 * 3. no final event: completed on exit 0 when the profile says its exit status is its word
 *    (`exitZeroCompletes`), else failed, "ended without a result" (with the exit code when non-zero);
 * 4. final ok and exit 0: completed;
 * 5. final ok but exit non-zero: failed (the exit code wins over the text);
 * 6. final not ok: failed with the CLI's reason.
 */
export function decideOutcome(input: DecideOutcomeInput): AttemptOutcome {
  const { events, exitCode, guard } = input;
  const folded = foldEvents(events);
  const usage = folded.usage;
  const summary = clip(folded.final?.result ?? folded.lastText ?? folded.lastOutput ?? '');
  const exit = describeExit(exitCode, input.signal ?? null, input.exitMeanings);

  if (guard) return { kind: 'failed', reason: `guard ${guard.name} stopped the agent: ${guard.detail}`, usage, summary };

  const cleanSuccess = folded.final?.ok === true && exitCode === 0;
  if (folded.rejection && !cleanSuccess) {
    return { kind: 'quota', reason: `usage limit: ${folded.rejection.message}`, resetsAt: folded.resetsAt, usage, summary };
  }
  if (!folded.final) {
    if (exitCode === 0 && input.exitZeroCompletes) return { kind: 'completed', reason: 'exited with code 0', usage, summary };
    const reason = exitCode === 0 ? 'ended without a result' : `ended without a result (${exit})`;
    return { kind: 'failed', reason, usage, summary };
  }
  if (cleanSuccess) return { kind: 'completed', reason: folded.final.reason, usage, summary };
  if (folded.final.ok) return { kind: 'failed', reason: `reported success but ${exit}`, usage, summary };
  return { kind: 'failed', reason: exitCode === 0 ? folded.final.reason : `${folded.final.reason} (${exit})`, usage, summary };
}

type Finished = Extract<RunnerEvent, { type: 'finished' }>;
type Quota = Extract<RunnerEvent, { type: 'quota' }>;

interface Folded {
  usage: UsageTotals;
  final: Finished | null;
  lastText: string | null;
  /** The last non-blank stdout line that was not an event: a plain program's summary. */
  lastOutput: string | null;
  rejection: Quota | null;
  resetsAt: string | null;
}

/** One pass over the stream; exhaustive so a new event type must say what it contributes. */
function foldEvents(events: readonly RunnerEvent[]): Folded {
  const usage: UsageTotals = { inputTokens: 0, outputTokens: 0, cachedTokens: 0, costUsd: undefined, turns: 0, durationMs: undefined };
  let final: Finished | null = null;
  let lastText: string | null = null;
  let lastOutput: string | null = null;
  let rejection: Quota | null = null;
  let resetsAt: string | null = null;
  let lastTextWasDelta = false;
  for (const event of events) {
    switch (event.type) {
      case 'usage':
        usage.inputTokens += event.inputTokens;
        usage.outputTokens += event.outputTokens;
        usage.cachedTokens += event.cachedTokens;
        if (event.costUsd !== undefined) usage.costUsd = (usage.costUsd ?? 0) + event.costUsd;
        usage.turns += event.turns ?? 0;
        if (event.durationMs !== undefined) usage.durationMs = (usage.durationMs ?? 0) + event.durationMs;
        break;
      case 'finished':
        final = event;
        break;
      case 'text':
        lastText = event.delta && lastTextWasDelta && lastText !== null ? lastText + event.text : event.text;
        lastTextWasDelta = event.delta === true;
        break;
      case 'quota':
        // A later reset time is the one that still holds; a warning's time counts too,
        // since claude may send the reset on the warning and reject without one.
        if (event.resetsAt) resetsAt = event.resetsAt;
        if (event.status === 'rejected') rejection = event;
        break;
      case 'tool':
      case 'session':
        // A tool call ends the message being streamed: the next chunk starts a new one.
        lastTextWasDelta = false;
        break;
      case 'log':
        if (event.stream === 'stdout' && event.line.trim() !== '') lastOutput = event.line;
        break;
      case 'progress':
        break;
      default:
        return assertNever(event);
    }
  }
  return { usage, final, lastText, lastOutput, rejection, resetsAt };
}

function describeExit(exitCode: number | null, signal: string | null, meanings: Readonly<Record<number, string>> | undefined): string {
  if (exitCode === null) return `killed by ${signal ?? 'a signal'}`;
  const meaning = meanings?.[exitCode];
  return meaning ? `exited with code ${exitCode}: ${meaning}` : `exited with code ${exitCode}`;
}

function clip(text: string): string {
  return text.length <= OUTCOME_SUMMARY_MAX_CHARS ? text : `${text.slice(0, OUTCOME_SUMMARY_MAX_CHARS - 1)}…`;
}

/** The fallback of every parser: a line it cannot read is kept as log text, never thrown. */
export function logLine(line: string): RunnerEvent {
  return { type: 'log', stream: 'stdout', line };
}

/** Wording shared by profiles that only see a limit as text (codex, gemini, claude's result). */
export const USAGE_LIMIT_PATTERN = /usage limit|session limit|rate limit|quota|too many requests|\b429\b|resource[_ ]exhausted/i;

/** An epoch in seconds (claude's `resetsAt`) as ISO; null when absent or not a number. */
export function epochSecondsToIso(value: unknown): string | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  const date = new Date(value * 1000);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
