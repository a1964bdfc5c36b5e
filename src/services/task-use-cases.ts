import { AgentNotEligibleError, NoAvailableAgentError, ValidationError, VersionConflictError } from '../core/errors.js';
import { newTask } from '../core/factories.js';
import type { AttemptUsage } from '../core/events.js';
import type { Policy } from '../core/policy.js';
import { planLogAppend, type LogAppendPlan, type NewLogLine } from '../core/task-log.js';
import type { Reporter } from '../core/state-machine.js';
import { ineligibility, isEligible, scoreAgent } from '../core/scoring.js';
import { HELD_STATUSES, type NewTaskInput, type Task, type TaskPatch } from '../core/task.js';
import { checkDependencies, settleDependents } from './dependencies.js';
import { assignBest, decisionFrom, queueHeads, rankCandidates } from './matching.js';
import type { Actor, IdempotencyClaim } from './types.js';
import type { Work, WorkRunner } from './unit-of-work.js';
import type { Agent } from '../core/agent.js';

/**
 * Task use cases. Each is one unit of work: read, transition through the state
 * machine, guarded write, events, all in one transaction.
 */
export class TaskUseCases {
  constructor(
    private readonly runner: WorkRunner,
    private readonly policy: Policy,
  ) {}

  create(input: NewTaskInput, actor: Actor, claim?: IdempotencyClaim): Promise<Task> {
    return this.runner.run(actor, async (work) => {
      const { done } = await checkDependencies(work, null, input.dependsOn ?? []);
      const blocked = !done;
      const seq = await work.tx.tasks.allocateSeq();
      const task = newTask(input, { seq, now: work.now, policy: this.policy, blocked });
      await work.tx.tasks.insert(task);
      await work.claimIdempotency(claim, { taskId: task.id });
      work.tasks.set(task.id, task);
      await work.append({
        type: 'task.created',
        taskId: task.id,
        agentId: null,
        payload: { title: task.title, priority: task.priority, status: task.status },
      });
      return task;
    });
  }

  update(id: string, patch: TaskPatch, actor: Actor): Promise<Task> {
    return this.runner.run(actor, async (work) => {
      const task = await work.task(id);
      const dependenciesDone = patch.dependsOn === undefined ? undefined : (await checkDependencies(work, id, patch.dependsOn)).done;
      return (await work.apply(task, { type: 'edit', patch, ...(dependenciesDone === undefined ? {} : { dependenciesDone }) })).task;
    });
  }

  /** Manual assignment (see OrchestratorApi.assignTask). */
  assign(id: string, opts: { agentId?: string; force?: boolean }, actor: Actor): Promise<{ task: Task; agent: Agent; changed: boolean }> {
    return this.runner.run(actor, async (work) => {
      let task = await work.task(id);
      if (task.agent !== null && HELD_STATUSES.has(task.status)) return { task, agent: await work.agent(task.agent), changed: false };
      // An operator assigning by hand overrides a retry backoff.
      if (task.status === 'PENDING' && task.retryAt !== null && task.retryAt > work.now)
        task = (await work.apply(task, { type: 'backoff_over' })).task;
      if (opts.agentId === undefined) {
        const outcome = await assignBest(work, task, 'manual');
        // Being claimed elsewhere right now: re-run, and find it assigned (or free) then.
        if (outcome === 'taken') throw new VersionConflictError('task', task.id);
        if (outcome === 'no-agent') throw new NoAvailableAgentError(task);
        return { ...outcome, changed: true };
      }
      const agent = await work.agent(opts.agentId);
      if (!opts.force && !isEligible(task, agent)) {
        throw new AgentNotEligibleError(agent.id, task.id, ineligibility(task, agent) ?? 'it is not eligible');
      }
      const others = (await rankCandidates(work.tx, task, work.now)).filter((c) => c.agentId !== agent.id);
      const decision = decisionFrom([scoreAgent(task, agent, work.now, null), ...others], opts.force ? 'forced' : 'manual', work.now);
      if (decision === null) throw new NoAvailableAgentError(task);
      const result = await work.apply(task, { type: 'assign', agentId: agent.id, decision }, { force: opts.force === true });
      return { task: result.task, agent: result.agent ?? agent, changed: true };
    });
  }

  /** The best assignable task in queue order, skipping groups no agent can serve. */
  processNext(actor: Actor): Promise<{ task: Task; agent: Agent } | null> {
    return this.runner.run(actor, async (work) => {
      for (const head of await queueHeads(work.tx, work.now)) {
        const outcome = await assignBest(work, head, 'queue');
        if (outcome !== 'taken' && outcome !== 'no-agent') return outcome;
      }
      return null;
    });
  }

  /** Applies an action reported on a task, then settles its dependents (unblocked or cancelled). */
  report(id: string, action: ReportAction, by: Reporter, actor: Actor): Promise<Task> {
    return this.runner.run(actor, async (work) => {
      const task = await work.task(id);
      const { task: next } = await work.apply(task, { ...action, by });
      await settleDependents(work, next);
      return next;
    });
  }

  progress(id: string, params: { progress: number; status?: 'IN_PROGRESS' | 'COMPLETED' }, by: Reporter, actor: Actor): Promise<Task> {
    if (!Number.isFinite(params.progress)) throw new ValidationError('progress must be a number from 0 to 100', { field: 'progress' });
    const completes = params.status === 'COMPLETED' || params.progress >= 100;
    return this.report(id, completes ? { type: 'complete', result: null } : { type: 'progress', progress: params.progress }, by, actor);
  }

  /** One transaction: the `log` transition (holder check, lease renewal, the guard that serialises appends), then the lines. */
  appendLogs(id: string, lines: NewLogLine[], by: Reporter, actor: Actor): Promise<LogAppendPlan> {
    return this.runner.run(actor, async (work) => {
      const { task } = await work.apply(await work.task(id), { type: 'log', by });
      const plan = planLogAppend(await work.tx.logs.tail({ taskId: id }), lines, task.attempts, work.now);
      await work.tx.logs.append({ taskId: id, lines: plan.rows });
      return plan;
    });
  }

  operator(id: string, action: { type: 'cancel'; reason: string | null } | { type: 'retry' }, actor: Actor): Promise<Task> {
    return this.runner.run(actor, async (work) => {
      const { task } = await work.apply(await work.task(id), action);
      await settleDependents(work, task);
      return task;
    });
  }
}

export type ReportAction =
  | { type: 'start' }
  | { type: 'progress'; progress: number }
  | { type: 'complete'; result: unknown; usage?: AttemptUsage | null }
  | { type: 'fail'; reason: string; usage?: AttemptUsage | null }
  | { type: 'reject'; reason: string }
  /** The holder gives the task back (POST release): not its failure, so the attempt is not spent. */
  | { type: 'requeue'; reason: 'released'; note: string | null; usage: AttemptUsage | null };
