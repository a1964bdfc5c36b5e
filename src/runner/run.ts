import type { Worker, WorkLogger } from '../sdk/index.js';
import { runAttempt, type AttemptSettings } from './attempt.js';
import type { ChildEnvironment } from './child.js';
import type { RunnerDisplay } from './status-display.js';

/** How long running attempts may go on after SIGTERM before they are stopped and their tasks released. */
export const DRAIN_TIMEOUT_DEFAULT_MS = 30_000;

/** One agent the runner works as: its attempts' settings and how many run at once. */
export interface AgentRun extends Omit<AttemptSettings, 'display' | 'environment'> {
  /** Tasks run at once; the agent's `maxConcurrentTasks` on the server. */
  concurrency: number;
}

export interface RunnerOptions {
  agents: readonly AgentRun[];
  environment: ChildEnvironment;
  display: RunnerDisplay;
  /** Stop claiming once this many tasks were claimed (over all agents), and end when they are done. */
  maxTasks?: number;
  /** How long one claim waits on the server; tests shorten it. */
  claimWaitMs?: number;
}

/** A running runner. */
export interface Runner {
  /**
   * Drains: no new claims; running attempts get `drainMs` to finish, then their children are
   * stopped and their tasks released (the attempt is given back, not spent).
   */
  stop(options: { drainMs: number }): Promise<void>;
  /** Resolves once every agent's loop has ended (after `stop`, or after `maxTasks`), with the count of tasks run. */
  readonly done: Promise<{ tasks: number }>;
}

/**
 * The runner: one work loop per agent (the SDK's `work()`: claim, heartbeats, logs, fencing,
 * release on stop), each running one child per attempt through {@link runAttempt}. It holds
 * no claim logic of its own: what a lease means stays in one place, the SDK.
 */
export function startRunner(options: RunnerOptions): Runner {
  const { display } = options;
  const claimedAt = new Map<string, number>();
  let claimed = 0;
  let ended = 0;
  let stopping: Promise<void> | null = null;
  let finish = (_: { tasks: number }) => undefined as void;
  const done = new Promise<{ tasks: number }>((resolve) => (finish = resolve));
  const logger: WorkLogger = {
    warn: (message, details) => display.note(`warning: ${message}${details ? ` ${JSON.stringify(details)}` : ''}`),
    // The loop echoes each log line here too; the display already shows every event as it comes.
    info: () => undefined,
  };
  /**
   * Attempts still winding down. The loop stops waiting for a handler as soon as its signal
   * aborts (and releases the task); the child may still be in its grace period and the
   * worktree not yet removed, so the runner is done only when these are.
   */
  const attempts = new Set<Promise<unknown>>();
  const track = (attempt: Promise<unknown>) => {
    attempts.add(attempt);
    void attempt.catch(() => undefined).finally(() => attempts.delete(attempt));
    return attempt;
  };

  const workers: Worker[] = options.agents.map((agent) => {
    const settings: AttemptSettings = { ...agent, display, environment: options.environment };
    return agent.client
      .agent(agent.agentId)
      .work((ctx) => track(runAttempt(ctx, settings, claimedAt.get(ctx.task.id) ?? performance.now())), {
        concurrency: agent.concurrency,
        logger,
        ...(options.claimWaitMs === undefined ? {} : { claimWaitMs: options.claimWaitMs }),
        onTask: (event) => {
          if (event.type === 'claimed') {
            claimedAt.set(event.task.id, performance.now());
            claimed++;
            // Enough claimed: stop claiming at once (a slot mid-claim would take one more), let the claimed ones finish.
            if (options.maxTasks !== undefined && claimed >= options.maxTasks) void stop({ drainMs: Number.POSITIVE_INFINITY });
          } else {
            claimedAt.delete(event.task.id);
            ended++;
          }
        },
      });
  });

  /** A later call may shorten the drain (SIGTERM after --max-tasks stopped claiming): each one goes to the loops. */
  function stop({ drainMs }: { drainMs: number }): Promise<void> {
    const stopped = Promise.all(workers.map((worker) => worker.stop(Number.isFinite(drainMs) ? { drainMs } : {})));
    stopping ??= stopped.then(async () => {
      await Promise.allSettled(attempts);
      display.close();
      finish({ tasks: ended });
    });
    return stopping;
  }

  return { stop, done };
}
