import { SwitchboardApiError } from './errors.js';
import type { SwitchboardClient } from './client.js';
import type { TaskView } from './wire.js';

/** How long one claim waits for work (the server's bound is 30 s; below proxies' idle timeouts). */
export const CLAIM_WAIT_DEFAULT_MS = 20_000;
/** Heartbeat period while a handler runs; well inside the default 15-minute lease. */
export const HEARTBEAT_DEFAULT_MS = 10_000;
/** Pause after a failed claim (server down, network), so a dead server is not hammered. */
export const CLAIM_RETRY_DEFAULT_MS = 1_000;

/** Where the loop reports what it drops or cannot do (`warn`) and the handlers' log lines (`info`, else `warn`); console by default. */
export interface WorkLogger {
  warn(message: string, details?: Record<string, unknown>): void;
  info?(message: string, details?: Record<string, unknown>): void;
}

/** What a handler is given for one task. */
export interface WorkContext {
  task: TaskView;
  /** Aborted when the lease is lost or `stop({ abort: true })` is called: stop working, the outcome will not be reported. */
  signal: AbortSignal;
  /** Reports progress 0-99 under the lease (100 would complete the task: return instead). */
  progress(percent: number): Promise<void>;
  /** A line of the attempt's log; goes to the logger (the server has no log route yet). */
  log(line: string): void;
}

/** Options of `client.agent(id).work`. */
export interface WorkOptions {
  /** Tasks run at once (each slot long-polls its own claim); default 1. */
  concurrency?: number;
  claimWaitMs?: number;
  heartbeatMs?: number;
  claimRetryMs?: number;
  logger?: WorkLogger;
}

/** A running loop. */
export interface Worker {
  /**
   * Stops claiming. By default in-flight handlers finish and report; with `abort: true`
   * their signals are aborted and nothing more is reported for them (the server requeues
   * the tasks when their leases lapse: it has no release for a started task yet).
   */
  stop(options?: { abort?: boolean }): Promise<void>;
  /** Tasks currently being handled. */
  readonly inFlight: number;
}

/** Refusals meaning the lease is gone: the report is dropped, never retried (fencing). */
const LEASE_LOST = new Set<string>(['STALE_LEASE', 'TASK_INVALID_TRANSITION', 'TASK_NOT_FOUND']);

/**
 * The agent loop: each of `concurrency` slots long-polls a claim, runs the handler with
 * heartbeats going, and reports its outcome (a return completes, a throw fails with its
 * message) under the lease's fencing token. A report refused because the lease moved on
 * is dropped with a warning and the handler's signal aborted: retrying it could only
 * ever be refused again.
 */
export function work(
  client: SwitchboardClient,
  agentId: string,
  handler: (ctx: WorkContext) => Promise<unknown>,
  options: WorkOptions = {},
): Worker {
  const concurrency = options.concurrency ?? 1;
  const logger: WorkLogger = options.logger ?? {
    warn: (message, details) => console.warn(message, details ?? {}),
    info: (message, details) => console.info(message, details ?? {}),
  };
  const stopping = new AbortController();
  const running = new Set<AbortController>();

  async function slot(): Promise<void> {
    while (!stopping.signal.aborted) {
      let task: TaskView | null;
      try {
        task = (await client.agents.claim(agentId, { waitMs: options.claimWaitMs ?? CLAIM_WAIT_DEFAULT_MS }, { signal: stopping.signal }))
          .task;
      } catch (err) {
        if (stopping.signal.aborted) return;
        logger.warn('work: claim failed; retrying', { agentId, error: String(err) });
        await pause(options.claimRetryMs ?? CLAIM_RETRY_DEFAULT_MS, stopping.signal);
        continue;
      }
      if (task !== null) await run(task);
    }
  }

  async function run(task: TaskView): Promise<void> {
    const attempt = new AbortController();
    running.add(attempt);
    const leaseToken = task.leaseToken;
    const lost = (err: unknown, what: string): boolean => {
      if (!(err instanceof SwitchboardApiError) || !LEASE_LOST.has(err.code)) return false;
      logger.warn(`work: ${what} dropped, the lease on ${task.id} was lost`, { taskId: task.id, leaseToken, code: err.code });
      attempt.abort();
      return true;
    };
    const heartbeat = setInterval(() => {
      client.agents.heartbeat(agentId).catch((err: unknown) => logger.warn('work: heartbeat failed', { agentId, error: String(err) }));
    }, options.heartbeatMs ?? HEARTBEAT_DEFAULT_MS);
    try {
      const ctx: WorkContext = {
        task,
        signal: attempt.signal,
        progress: async (percent) => {
          if (attempt.signal.aborted) return;
          await client.tasks.progress(task.id, { progress: Math.min(percent, 99) }, { leaseToken }).catch((err: unknown) => {
            if (!lost(err, 'progress')) throw err;
          });
        },
        log: (line) => (logger.info ?? logger.warn).call(logger, line, { taskId: task.id }),
      };
      let outcome: { ok: true; result: unknown } | { ok: false; reason: string };
      try {
        outcome = { ok: true, result: await handler(ctx) };
      } catch (err) {
        outcome = { ok: false, reason: err instanceof Error ? err.message : String(err) };
      }
      if (attempt.signal.aborted) return;
      try {
        if (outcome.ok) await client.tasks.complete(task.id, { result: outcome.result ?? null }, { leaseToken });
        else await client.tasks.fail(task.id, { reason: outcome.reason.trim() === '' ? 'handler failed' : outcome.reason }, { leaseToken });
      } catch (err) {
        if (!lost(err, outcome.ok ? 'completion' : 'failure')) logger.warn('work: report failed', { taskId: task.id, error: String(err) });
      }
    } finally {
      clearInterval(heartbeat);
      running.delete(attempt);
    }
  }

  const slots = Array.from({ length: concurrency }, () => slot());
  return {
    get inFlight() {
      return running.size;
    },
    async stop({ abort = false } = {}) {
      stopping.abort();
      if (abort) for (const attempt of running) attempt.abort();
      await Promise.all(slots);
    },
  };
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}
