import { SwitchboardApiError } from './errors.js';
import type { SwitchboardClient } from './client.js';
import { pieces } from './log-text.js';
import type { AttemptUsage, EventView, LogLineInput, TaskView } from './wire.js';

/** How long one claim waits for work (the server's bound is 30 s; below proxies' idle timeouts). */
export const CLAIM_WAIT_DEFAULT_MS = 20_000;
/** Heartbeat period while a handler runs; well inside the default 15-minute lease. */
export const HEARTBEAT_DEFAULT_MS = 10_000;
/** Pause after a failed claim (server down, network), so a dead server is not hammered. */
export const CLAIM_RETRY_DEFAULT_MS = 1_000;
/** A handler's log lines are sent at most this often... */
export const LOG_FLUSH_MS = 200;
/** ...or as soon as this many are waiting. */
export const LOG_FLUSH_LINES = 100;
/** The release reason of a task the loop gives back because it is stopping. */
export const STOPPED_REASON = 'worker stopped';

/** Where the loop reports what it drops or cannot do (`warn`) and the handlers' log lines (`info`, else `warn`); console by default. */
export interface WorkLogger {
  warn(message: string, details?: Record<string, unknown>): void;
  info?(message: string, details?: Record<string, unknown>): void;
}

/**
 * Why a handler's signal was aborted (`ctx.signal.reason`): the task was cancelled on the
 * server; the lease is gone (a report was refused, or the task was requeued or ended
 * elsewhere); or the worker is stopping.
 */
export type AbortReason = 'cancelled' | 'lease_lost' | 'stopping';

/** What a handler is given for one task. */
export interface WorkContext {
  task: TaskView;
  /** The task's attempt count once started: 1 on the first attempt. */
  attempt: number;
  /** Aborted with an {@link AbortReason} as `signal.reason`: stop working, the loop reports nothing more for this attempt but a release when stopping. */
  signal: AbortSignal;
  /** Reports progress 0-99 under the lease (100 would complete the task: return instead). */
  progress(percent: number): Promise<void>;
  /** A line of the attempt's log: buffered and sent to the task's log under the lease (and to `logger.info`). */
  log(line: string, stream?: LogLineInput['stream']): void;
  /** Sends the buffered lines now; resolves once the server has them. */
  flushLogs(): Promise<void>;
}

const OUTCOME = Symbol('switchboard.workOutcome');

/** What a handler may return instead of a plain value; build it with {@link completed}, {@link failed} or {@link released}. */
export type WorkOutcome =
  | { readonly [OUTCOME]: 'completed'; result: unknown; usage?: AttemptUsage }
  | { readonly [OUTCOME]: 'failed'; reason: string; usage?: AttemptUsage }
  | { readonly [OUTCOME]: 'released'; reason: string; usage?: AttemptUsage; pauseUntil?: number };

/** Completes the task with `result` and what the attempt cost. */
export function completed(result: unknown, usage?: AttemptUsage): WorkOutcome {
  return { [OUTCOME]: 'completed', result, ...(usage === undefined ? {} : { usage }) };
}

/** Fails the attempt (retried while attempts remain), as a throw would, with what it cost. */
export function failed(reason: string, usage?: AttemptUsage): WorkOutcome {
  return { [OUTCOME]: 'failed', reason, ...(usage === undefined ? {} : { usage }) };
}

/**
 * Gives the task back without spending the attempt. With `pauseUntil` (epoch ms) the
 * whole worker stops claiming until then and the agent shows as paused meanwhile (a CLI's
 * usage limit: no other task would fare better).
 */
export function released(reason: string, options: { usage?: AttemptUsage; pauseUntil?: number } = {}): WorkOutcome {
  return { [OUTCOME]: 'released', reason, ...options };
}

function isOutcome(value: unknown): value is WorkOutcome {
  return typeof value === 'object' && value !== null && OUTCOME in value;
}

/** What `onTask` hears: a task claimed, and how it ended (`lost`: the lease went, nothing was reported). */
export interface TaskLifecycleEvent {
  type: 'claimed' | 'ended';
  task: TaskView;
  outcome?: 'completed' | 'failed' | 'released' | 'lost';
}

/** Options of `client.agent(id).work`. */
export interface WorkOptions {
  /** Tasks run at once (each slot long-polls its own claim); default 1. */
  concurrency?: number;
  claimWaitMs?: number;
  heartbeatMs?: number;
  claimRetryMs?: number;
  logger?: WorkLogger;
  /** Watch live events and abort a handler whose task the server cancelled or took back (within a second); default true. */
  watch?: boolean;
  /** Called when a task is claimed and when it ends (a runner's status line, `--max-tasks`). */
  onTask?: (event: TaskLifecycleEvent) => void;
}

/** A running loop. */
export interface Worker {
  /**
   * Stops claiming, waits for in-flight handlers (at most `drainMs` when given), then aborts
   * the rest (`signal.reason = 'stopping'`) and releases their tasks, so their attempts are
   * not spent. `abort: true` is `drainMs: 0`. A pause in force ends: the agent is available again.
   */
  stop(options?: { abort?: boolean; drainMs?: number }): Promise<void>;
  /** Tasks currently being handled. */
  readonly inFlight: number;
}

/** How long the first claim waits for the live-event watch to connect before it goes on without it. */
const WATCH_READY_MAX_MS = 5_000;

/** Refusals meaning the lease is gone: the report is dropped, never retried (fencing). */
const LEASE_LOST = new Set<string>(['STALE_LEASE', 'TASK_INVALID_TRANSITION', 'TASK_NOT_FOUND']);
/** Events after which an in-flight task may no longer be ours: each is checked against the task itself. */
const WATCHED = ['task.cancelled', 'task.requeued', 'task.failed', 'task.completed'] as const;

/** One task being handled. */
interface Attempt {
  task: TaskView;
  controller: AbortController;
  /** Set once the loop reports the outcome: events the report itself causes are not news. */
  reporting: boolean;
}

/**
 * The agent loop: each of `concurrency` slots long-polls a claim, runs the handler with
 * heartbeats going and its log lines streaming, and reports its outcome (a return
 * completes, a throw fails, an outcome helper says which) under the lease's fencing
 * token. A report refused because the lease moved on is dropped with a warning and the
 * handler's signal aborted: retrying it could only ever be refused again.
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
  const running = new Map<string, Attempt>();
  const notify = (event: TaskLifecycleEvent) => {
    try {
      options.onTask?.(event);
    } catch (err) {
      logger.warn('work: onTask threw', { taskId: event.task.id, error: String(err) });
    }
  };
  const pause = new PauseState(client, agentId, logger, stopping.signal);

  const watch =
    options.watch === false
      ? null
      : client.events.subscribe({ types: [...WATCHED] }, (event) => {
          const attempt = event.taskId === null ? undefined : running.get(event.taskId);
          if (attempt !== undefined && !attempt.reporting) void check(attempt, event);
        });
  // Claims wait for the watch (a bounded time): a task cancelled before the socket is up
  // would otherwise go unnoticed, since a first connection replays nothing.
  const watching =
    watch === null
      ? Promise.resolve()
      : Promise.race([
          watch.ready.catch((err: unknown) =>
            logger.warn('work: cannot watch live events; a cancelled task is noticed only at its next report', {
              agentId,
              error: String(err),
            }),
          ),
          sleep(WATCH_READY_MAX_MS, stopping.signal),
        ]);

  /** Asks the server whether the task is still ours: the event may be older than this claim. */
  async function check(attempt: Attempt, event: EventView): Promise<void> {
    let task: TaskView;
    try {
      task = (await client.tasks.get(attempt.task.id)).task;
    } catch (err) {
      if (!(err instanceof SwitchboardApiError && err.code === 'TASK_NOT_FOUND')) return;
      task = { ...attempt.task, status: 'CANCELLED' };
    }
    const ours = (task.status === 'ASSIGNED' || task.status === 'IN_PROGRESS') && task.agent === agentId;
    if (ours && task.leaseToken === attempt.task.leaseToken) return;
    if (attempt.reporting || attempt.controller.signal.aborted) return;
    const reason: AbortReason = task.status === 'CANCELLED' ? 'cancelled' : 'lease_lost';
    logger.warn(`work: ${attempt.task.id} was ${reason === 'cancelled' ? 'cancelled' : 'taken back'} on the server; handler aborted`, {
      taskId: attempt.task.id,
      event: event.type,
      status: task.status,
    });
    attempt.controller.abort(reason);
  }

  async function slot(): Promise<void> {
    await watching;
    while (!stopping.signal.aborted) {
      await pause.wait();
      if (stopping.signal.aborted) return;
      let task: TaskView | null;
      try {
        task = (await client.agents.claim(agentId, { waitMs: options.claimWaitMs ?? CLAIM_WAIT_DEFAULT_MS }, { signal: stopping.signal }))
          .task;
      } catch (err) {
        if (stopping.signal.aborted) return;
        logger.warn('work: claim failed; retrying', { agentId, error: String(err) });
        await sleep(options.claimRetryMs ?? CLAIM_RETRY_DEFAULT_MS, stopping.signal);
        continue;
      }
      if (task === null) continue;
      // Claimed in the moment another slot paused the worker: give it straight back.
      if (pause.active()) await release(task, 'worker paused', undefined).catch(() => undefined);
      else await run(task);
    }
  }

  function release(task: TaskView, reason: string, usage: AttemptUsage | undefined) {
    return client.tasks.release(task.id, { reason, ...(usage === undefined ? {} : { usage }) }, { leaseToken: task.leaseToken });
  }

  async function run(task: TaskView): Promise<void> {
    const controller = new AbortController();
    const attempt: Attempt = { task, controller, reporting: false };
    running.set(task.id, attempt);
    notify({ type: 'claimed', task });
    const { leaseToken } = task;
    const lost = (err: unknown, what: string): boolean => {
      if (!(err instanceof SwitchboardApiError) || !LEASE_LOST.has(err.code)) return false;
      // A report refused because the task was cancelled often arrives before the watch says so: same reason either way.
      const cancelled = err.code === 'TASK_INVALID_TRANSITION' && err.details['status'] === 'CANCELLED';
      logger.warn(`work: ${what} dropped, ${cancelled ? `${task.id} was cancelled` : `the lease on ${task.id} was lost`}`, {
        taskId: task.id,
        leaseToken,
        code: err.code,
      });
      if (!controller.signal.aborted) controller.abort((cancelled ? 'cancelled' : 'lease_lost') satisfies AbortReason);
      return true;
    };
    const logs = new LogBuffer(client, task, controller.signal, lost, logger);
    const heartbeat = setInterval(() => {
      client.agents.heartbeat(agentId).catch((err: unknown) => logger.warn('work: heartbeat failed', { agentId, error: String(err) }));
    }, options.heartbeatMs ?? HEARTBEAT_DEFAULT_MS);
    let ended: TaskLifecycleEvent['outcome'] = 'lost';
    try {
      const ctx: WorkContext = {
        task,
        attempt: task.attempts,
        signal: controller.signal,
        progress: async (percent) => {
          if (controller.signal.aborted) return;
          await client.tasks.progress(task.id, { progress: Math.min(percent, 99) }, { leaseToken }).catch((err: unknown) => {
            if (!lost(err, 'progress')) throw err;
          });
        },
        log: (line, stream) => {
          (logger.info ?? logger.warn).call(logger, line, { taskId: task.id });
          logs.add(line, stream);
        },
        flushLogs: () => logs.flush(),
      };
      const outcome = await settle(handler, ctx, controller.signal);
      if (controller.signal.aborted) {
        // Cancelled or lost: the task is not ours to report on. Stopping: give it back, attempt unspent.
        if (controller.signal.reason !== ('stopping' satisfies AbortReason)) return;
        attempt.reporting = true;
        await logs.flush(true);
        await release(task, STOPPED_REASON, undefined).then(
          () => (ended = 'released'),
          (err: unknown) => void (lost(err, 'release') || logger.warn('work: release failed', { taskId: task.id, error: String(err) })),
        );
        return;
      }
      attempt.reporting = true;
      await logs.flush();
      if (controller.signal.aborted) return;
      try {
        ended = await report(task, outcome);
      } catch (err) {
        if (!lost(err, `${outcome[OUTCOME] === 'completed' ? 'completion' : outcome[OUTCOME] === 'failed' ? 'failure' : 'release'}`))
          logger.warn('work: report failed', { taskId: task.id, error: String(err) });
      }
    } finally {
      clearInterval(heartbeat);
      logs.close();
      running.delete(task.id);
      notify({ type: 'ended', task, outcome: ended });
    }
  }

  async function report(task: TaskView, outcome: WorkOutcome): Promise<'completed' | 'failed' | 'released'> {
    const { leaseToken } = task;
    const usage = outcome.usage === undefined ? {} : { usage: outcome.usage };
    switch (outcome[OUTCOME]) {
      case 'completed':
        await client.tasks.complete(task.id, { result: outcome.result ?? null, ...usage }, { leaseToken });
        return 'completed';
      case 'failed':
        await client.tasks.fail(
          task.id,
          { reason: outcome.reason.trim() === '' ? 'handler failed' : outcome.reason, ...usage },
          { leaseToken },
        );
        return 'failed';
      case 'released':
        // Paused before the release, so no slot claims again in between.
        if (outcome.pauseUntil !== undefined) await pause.until(outcome.pauseUntil);
        await release(task, outcome.reason.trim() === '' ? 'released' : outcome.reason, outcome.usage);
        return 'released';
    }
  }

  const slots = Array.from({ length: concurrency }, () => slot());
  return {
    get inFlight() {
      return running.size;
    },
    async stop({ abort = false, drainMs }: { abort?: boolean; drainMs?: number } = {}) {
      stopping.abort();
      const drain = abort ? 0 : drainMs;
      const drained = Promise.all(slots);
      if (drain !== undefined) {
        const timer = new AbortController();
        await Promise.race([drained, sleep(drain, timer.signal)]);
        timer.abort();
        for (const attempt of running.values()) if (!attempt.reporting) attempt.controller.abort('stopping' satisfies AbortReason);
      }
      await drained;
      watch?.close();
      await pause.end();
    },
  };
}

/**
 * The handler's outcome, or as soon as its signal aborts whatever the handler does: a
 * handler that ignores its signal must not hold up a release or a stop. A plain value
 * completes; a throw fails with its message.
 */
async function settle(handler: (ctx: WorkContext) => Promise<unknown>, ctx: WorkContext, signal: AbortSignal): Promise<WorkOutcome> {
  const outcome = (async () => {
    try {
      const value = await handler(ctx);
      return isOutcome(value) ? value : completed(value);
    } catch (err) {
      return failed(err instanceof Error ? err.message : String(err));
    }
  })();
  const aborted = new Promise<WorkOutcome>((resolve) => {
    if (signal.aborted) resolve(failed('aborted'));
    signal.addEventListener('abort', () => resolve(failed('aborted')), { once: true });
  });
  return Promise.race([outcome, aborted]);
}

/** One task's log lines on their way to the server: sent under the lease, in order, one request at a time. */
class LogBuffer {
  #pending: LogLineInput[] = [];
  #timer: NodeJS.Timeout | null = null;
  #sending: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: SwitchboardClient,
    private readonly task: TaskView,
    private readonly signal: AbortSignal,
    private readonly lost: (err: unknown, what: string) => boolean,
    private readonly logger: WorkLogger,
  ) {}

  add(line: string, stream: LogLineInput['stream']): void {
    if (this.signal.aborted) return;
    const at = new Date().toISOString();
    for (const text of pieces(line)) this.#pending.push({ text, at, ...(stream === undefined ? {} : { stream }) });
    if (this.#pending.length >= LOG_FLUSH_LINES) void this.flush();
    else this.#timer ??= setTimeout(() => void this.flush(), LOG_FLUSH_MS);
  }

  /** Sends what is buffered after what is being sent; `stopping`: the signal is aborted, but the task is still held. */
  flush(stopping = false): Promise<void> {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    const lines = this.#pending;
    this.#pending = [];
    this.#sending = this.#sending.then(async () => {
      if ((this.signal.aborted && !stopping) || lines.length === 0) return;
      try {
        await this.client.tasks.appendLogs(this.task.id, { lines }, { leaseToken: this.task.leaseToken });
      } catch (err) {
        if (!this.lost(err, 'log lines')) this.logger.warn('work: log lines not sent', { taskId: this.task.id, error: String(err) });
      }
    });
    return this.#sending;
  }

  close(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#pending = [];
  }
}

/**
 * A worker-wide pause (a usage limit): slots wait until it ends; the agent is PAUSED on the
 * server meanwhile, so nothing is offered to it, and available again when it ends or at stop.
 */
class PauseState {
  #until = 0;
  #timer: NodeJS.Timeout | null = null;
  #resumed: (() => void) | null = null;
  #gate: Promise<void> = Promise.resolve();
  /** Status changes go out one after another, so a quick pause-resume never lands as resume-pause. */
  #status: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: SwitchboardClient,
    private readonly agentId: string,
    private readonly logger: WorkLogger,
    private readonly stopping: AbortSignal,
  ) {
    stopping.addEventListener('abort', () => this.#resumed?.(), { once: true });
  }

  active(): boolean {
    return this.#until > Date.now();
  }

  /** Resolves when no pause is in force (or the worker stops). */
  wait(): Promise<void> {
    return this.#resumed === null ? Promise.resolve() : this.#gate;
  }

  /** Pauses (or lengthens the pause) until `epochMs`; resolves once the server has the agent paused. */
  until(epochMs: number): Promise<void> {
    if (epochMs <= Date.now() || epochMs <= this.#until || this.stopping.aborted) return this.#status;
    const first = !this.active();
    this.#until = epochMs;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.end(), epochMs - Date.now());
    if (!first) return this.#status;
    this.#gate = new Promise((resolve) => (this.#resumed = resolve));
    return this.#setStatus('PAUSED');
  }

  /** Ends a pause in force: the agent is available again and the slots claim. */
  async end(): Promise<void> {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#until === 0) return;
    this.#until = 0;
    // Slots claim once the agent is available again: a claim of a paused agent would wait out its long-poll.
    await this.#setStatus('ACTIVE');
    this.#resumed?.();
    this.#resumed = null;
  }

  #setStatus(status: 'PAUSED' | 'ACTIVE'): Promise<void> {
    this.#status = this.#status.then(() =>
      this.client.agents.setStatus(this.agentId, status).then(
        () => undefined,
        (err: unknown) =>
          this.logger.warn(`work: could not set the agent ${status === 'PAUSED' ? 'paused' : 'available'}`, { error: String(err) }),
      ),
    );
    return this.#status;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}
