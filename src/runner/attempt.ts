import {
  completed,
  failed,
  released,
  type AttemptUsage,
  type SwitchboardClient,
  type WorkContext,
  type WorkOutcome,
} from '../sdk/index.js';
import { runChild, type ChildEnvironment, type ChildRun } from './child.js';
import { resetTimeFromText } from './reset-time.js';
import { decideOutcome, type AttemptOutcome, type RunnerEvent } from './events.js';
import { eventLine, readableEvents, usageText } from './event-line.js';
import type { GuardLimits } from './guards.js';
import type { AgentProfile, ProfileOptions, TaskForRun } from './profiles/profile.js';
import type { RunnerDisplay } from './status-display.js';
import { taskForRun } from './task-input.js';
import { openWorkspace, type WorkspaceResult } from './workspace.js';

/** The server's limit on a failure or release reason; a CLI's error text can be longer. */
export const REASON_MAX_CHARS = 2_000;

/** Everything one agent's attempts share: the profile and its options, the workspace rules, the guards. */
export interface AttemptSettings {
  agentId: string;
  client: SwitchboardClient;
  profile: AgentProfile;
  profileOptions: ProfileOptions;
  renderPrompt(task: TaskForRun): string;
  /** A git repository: each attempt in its own worktree of it; else a scratch directory. */
  repo?: string;
  keepWorktrees: boolean;
  limits: GuardLimits;
  killGraceMs?: number;
  /** How long a usage limit pauses the agent when the CLI gave no reset time. */
  cooldownMs: number;
  environment: ChildEnvironment;
  display: RunnerDisplay;
}

/** What the task's result records of a completed attempt. */
export interface AttemptResult {
  summary: string;
  exitCode: number | null;
  profile: string;
  sessionId?: string;
  branch?: string;
  commit?: string;
  changedFiles?: number;
}

/**
 * One attempt of one claimed task, as the work loop's handler: gather what the prompt needs,
 * open a fresh workspace, run the profile's command there with the guards on, stream every
 * event to the task's log, and turn the end into the loop's outcome. A usage limit is a
 * release with a pause, not a failure: the attempt is given back and the agent rests until
 * the limit resets. `claimedAt` (performance.now() at the claim) measures claim-to-spawn.
 */
export async function runAttempt(ctx: WorkContext, settings: AttemptSettings, claimedAt: number): Promise<WorkOutcome> {
  const { profile, display } = settings;
  const taskId = ctx.task.id;
  display.started(ctx.task, settings.agentId);
  let summary = 'ended';
  try {
    const task = await taskForRun(settings.client, ctx.task, ctx.signal);
    const spec = profile.buildCommand({ task, prompt: settings.renderPrompt(task) }, settings.profileOptions);
    const workspace = await openWorkspace({ repo: settings.repo, taskId, attempt: ctx.attempt, keep: settings.keepWorktrees });
    let run: ChildRun;
    let kept: WorkspaceResult | null;
    const readable = readableEvents();
    try {
      system(
        ctx,
        display,
        `attempt ${ctx.attempt} in ${workspace.dir}${workspace.branch === undefined ? '' : ` on branch ${workspace.branch}`}`,
      );
      run = await runChild({
        spec,
        cwd: workspace.dir,
        environment: settings.environment,
        parseLine: profile.parseLine,
        limits: settings.limits,
        ...(settings.killGraceMs === undefined ? {} : { killGraceMs: settings.killGraceMs }),
        signal: ctx.signal,
        onSpawn: (pid) =>
          system(ctx, display, `[spawn] ${spec.command} pid ${pid}, ${Math.round(performance.now() - claimedAt)} ms after the claim`),
        onEvent: (event) => readable.push(event).forEach((e) => forward(ctx, display, e)),
      });
      readable.end().forEach((e) => forward(ctx, display, e));
    } finally {
      kept = await workspace.close();
    }
    // Cancelled, lease lost or the runner stopping: the loop reports (or drops) it, not the child's end.
    if (run.stoppedBy !== null) throw new Error(`stopped (${String(run.stoppedBy)})`);
    const reported = report(run, kept, settings);
    summary = reported.summary;
    return reported.outcome;
  } catch (err) {
    summary = ctx.signal.aborted ? `stopped (${String(ctx.signal.reason)})` : `failed: ${err instanceof Error ? err.message : String(err)}`;
    throw err;
  } finally {
    // The display prints the summary as the task's last line; the log gets it as a system line.
    ctx.log(`[outcome] ${summary}`, 'system');
    display.ended(taskId, summary);
  }
}

/** The loop's outcome for an attempt whose child ended by itself or by a guard, and the line that sums it up. */
function report(run: ChildRun, kept: WorkspaceResult | null, settings: AttemptSettings): { outcome: WorkOutcome; summary: string } {
  const { profile } = settings;
  const outcome = decideOutcome({
    events: run.events,
    exitCode: run.exitCode,
    signal: run.signal,
    guard: run.guard,
    ...(profile.exitMeanings === undefined ? {} : { exitMeanings: profile.exitMeanings }),
    ...(profile.exitZeroCompletes === undefined ? {} : { exitZeroCompletes: profile.exitZeroCompletes }),
  });
  const usage = attemptUsage(outcome, run, profile.name);
  const reason = clip(`${outcome.reason}${kept === null ? '' : ` (work on ${kept.branch} at ${kept.commit.slice(0, 12)})`}`);
  const spentText = usageText(outcome.usage);
  const spent = spentText === '' ? '' : ` [${spentText}]`;
  switch (outcome.kind) {
    case 'completed':
      return { outcome: completed(resultOf(outcome, run, profile.name, kept), usage), summary: `completed: ${outcome.summary}${spent}` };
    case 'failed':
      return { outcome: failed(reason, usage), summary: `failed: ${reason}${spent}` };
    case 'quota': {
      // The CLI's structured reset time, else one its words give ("resets 1:10am", "try again in 5 minutes").
      // A reset time already past (clock skew, a stale event) would not pause at all: the cool-down is the floor.
      const resetsAt = outcome.resetsAt ? Date.parse(outcome.resetsAt) : (resetTimeFromText(outcome.reason, Date.now()) ?? Number.NaN);
      const pauseUntil = Number.isFinite(resetsAt) && resetsAt > Date.now() ? resetsAt : Date.now() + settings.cooldownMs;
      const until = new Date(pauseUntil).toISOString();
      return {
        outcome: released(reason, { usage, pauseUntil }),
        summary: `released: ${reason}; ${settings.agentId} paused until ${until}${spent}`,
      };
    }
  }
}

function forward(ctx: WorkContext, display: RunnerDisplay, event: RunnerEvent): void {
  display.event(ctx.task.id, event);
  // A progress report that fails (the server busy) must not end the attempt; a lost lease aborts it through the signal.
  if (event.type === 'progress') void ctx.progress(event.percent).catch(() => undefined);
  const { text, stream } = eventLine(event);
  ctx.log(text, stream);
}

/** The runner's own word on the attempt: in the task's log (system stream) and on the operator's display. */
function system(ctx: WorkContext, display: RunnerDisplay, text: string): void {
  display.system(ctx.task.id, text);
  ctx.log(text, 'system');
}

function resultOf(outcome: AttemptOutcome, run: ChildRun, profile: string, kept: WorkspaceResult | null): AttemptResult {
  const sessionId = sessionOf(run.events)?.sessionId;
  return {
    summary: outcome.summary,
    exitCode: run.exitCode,
    profile,
    ...(sessionId ? { sessionId } : {}),
    ...(kept ?? {}),
  };
}

/** The attempt's usage as the server stores it: the CLI's own duration when it gave one, else the child's wall time. */
function attemptUsage(outcome: AttemptOutcome, run: ChildRun, profile: string): AttemptUsage {
  const session = sessionOf(run.events);
  const { usage } = outcome;
  // A program that reports no usage (the command profile) has unknown tokens, not zero: leave them out.
  const reported = run.events.some((event) => event.type === 'usage');
  return {
    ...(reported
      ? { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, cachedTokens: usage.cachedTokens, turns: usage.turns }
      : {}),
    durationMs: Math.round(usage.durationMs ?? run.durationMs),
    ...(usage.costUsd === undefined ? {} : { costUsd: usage.costUsd }),
    ...(session?.sessionId ? { sessionId: session.sessionId.slice(0, 200) } : {}),
    ...(session?.model ? { model: session.model.slice(0, 200) } : {}),
    profile,
    exitCode: run.exitCode,
  };
}

function sessionOf(events: readonly RunnerEvent[]): Extract<RunnerEvent, { type: 'session' }> | undefined {
  return events.find((event): event is Extract<RunnerEvent, { type: 'session' }> => event.type === 'session');
}

function clip(text: string): string {
  return text.length <= REASON_MAX_CHARS ? text : `${text.slice(0, REASON_MAX_CHARS - 1)}…`;
}
