import type { CancelTimer, Clock } from '../core/clock.js';
import { DEFAULT_ESCALATION, type EscalationPolicy } from '../core/escalation.js';
import { SwitchboardError } from '../core/errors.js';
import { TIMER_KINDS, type Store, type TimerKind } from '../core/ports.js';
import type { TaskAction } from '../core/state-machine.js';
import { timerDueTimes } from '../core/timers.js';
import type { Task } from '../core/task.js';
import type { EventBus, Logger } from './event-bus.js';
import { escalate } from './escalation.js';
import type { Work, WorkRunner } from './unit-of-work.js';

/** Due tasks handled per kind per firing; a full batch re-arms at once for the rest. */
export const TIMER_BATCH = 100;

/** After a firing with errors, the next firing waits at least this long (no hot loop on a persistent fault). */
export const ERROR_BACKOFF_MS = 1_000;

/**
 * Exact timers for offers, leases, SLA warnings and violations, retry backoff and aging.
 * One clock timer is armed for the earliest due time in the store (an index lookup), so
 * timers survive restarts and cost nothing while idle. Several nodes may fire for the
 * same task; each fire is a guarded transition, so exactly one wins.
 */
export class TimerService {
  #cancel: CancelTimer | null = null;
  #armedAt: number | null = null;
  #firing: Promise<void> | null = null;
  #stopped = false;
  /** Set when a firing hit errors: the next one waits at least ERROR_BACKOFF_MS instead of spinning. */
  #failed = false;
  #unsubscribe: (() => void) | null = null;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly runner: WorkRunner,
    private readonly logger: Logger,
    private readonly escalation: EscalationPolicy = DEFAULT_ESCALATION,
  ) {}

  /** Arms from the store and re-arms whenever a committed change brings a due time closer. */
  async start(bus: EventBus): Promise<void> {
    this.#unsubscribe = bus.subscribe(({ task }) => {
      if (task === null) return;
      const due = earliest(task);
      if (due !== null) this.#armFor(due);
    });
    await this.rearm();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unsubscribe?.();
    this.#disarm();
    await this.#firing;
  }

  /** Re-reads the earliest due time from the store (after a restart, or from another node's news). */
  async rearm(): Promise<void> {
    const due = await this.store.tasks.nextDueAt();
    if (due !== null) this.#armFor(due);
  }

  /** Resolves once the current firing (if any) has finished (tests wait on it). */
  async settled(): Promise<void> {
    while (this.#firing !== null) await this.#firing;
  }

  #armFor(due: number): void {
    if (this.#stopped || (this.#armedAt !== null && this.#armedAt <= due)) return;
    this.#disarm();
    this.#armedAt = due;
    const floor = this.#failed ? ERROR_BACKOFF_MS : 0;
    this.#cancel = this.clock.setTimer(Math.max(floor, due - this.clock.now()), () => this.#fire());
  }

  #disarm(): void {
    this.#cancel?.();
    this.#cancel = null;
    this.#armedAt = null;
  }

  #fire(): void {
    this.#cancel = null;
    this.#armedAt = null;
    if (this.#firing !== null || this.#stopped) return;
    this.#failed = false;
    this.#firing = this.#runDue()
      .catch((err: unknown) => {
        this.#failed = true;
        this.logger.error({ err }, 'timer processing failed');
      })
      .finally(() => {
        this.#firing = null;
        if (!this.#stopped) void this.rearm().catch((err: unknown) => this.logger.error({ err }, 'timer re-arm failed'));
      });
  }

  async #runDue(): Promise<void> {
    for (const kind of TIMER_KINDS) {
      for (;;) {
        const due = await this.store.tasks.listDue({ kind, now: this.clock.now(), limit: TIMER_BATCH });
        for (const task of due) await this.#handle(kind, task.id);
        if (due.length < TIMER_BATCH || this.#stopped || this.#failed) break;
      }
    }
  }

  async #handle(kind: TimerKind, taskId: string): Promise<void> {
    try {
      await this.runner.run('system', async (work) => {
        const task = await work.tx.tasks.get({ id: taskId });
        const due = task === null ? null : timerDueTimes(task)[kind];
        if (task === null || due === null || due > work.now) return; // someone else handled it
        await this.#apply(work, kind, task);
      });
    } catch (err) {
      if (err instanceof SwitchboardError && (err.code === 'VERSION_CONFLICT' || err.code === 'TASK_INVALID_TRANSITION')) return;
      this.#failed = true;
      this.logger.error({ err, kind, taskId }, 'timer action failed');
    }
  }

  async #apply(work: Work, kind: TimerKind, task: Task): Promise<void> {
    const action: TaskAction = ACTIONS[kind];
    const { task: next } = await work.apply(task, action);
    if (kind === 'lease' && task.agent !== null) await markOffline(work, task.agent);
    if (kind === 'sla_violation') await escalate(work, next, this.escalation);
  }
}

const ACTIONS: Record<TimerKind, TaskAction> = {
  offer: { type: 'requeue', reason: 'offer_expired' },
  lease: { type: 'requeue', reason: 'lease_expired' },
  sla_warning: { type: 'sla_warn' },
  sla_violation: { type: 'sla_violate' },
  retry: { type: 'backoff_over' },
  promote: { type: 'promote' },
};

/** An agent whose lease ran out has gone silent: it takes no new work until it reports again. */
async function markOffline(work: Work, agentId: string): Promise<void> {
  const agent = await work.tx.agents.get({ id: agentId });
  if (agent === null || agent.availability === 'OFFLINE') return;
  await work.tx.agents.update({
    next: { ...agent, availability: 'OFFLINE', updatedAt: work.now, version: agent.version + 1 },
    expectedVersion: agent.version,
  });
  await work.append({ type: 'agent.offline', taskId: null, agentId, payload: { reason: 'lease_expired' } });
}

function earliest(task: Task): number | null {
  let min: number | null = null;
  for (const due of Object.values(timerDueTimes(task))) if (due !== null && (min === null || due < min)) min = due;
  return min;
}
