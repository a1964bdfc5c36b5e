import { canTakeWork } from '../core/agent.js';
import { NotFoundError } from '../core/errors.js';
import type { AttemptUsage } from '../core/events.js';
import type { EventFilter } from '../core/ports.js';
import { DEFAULT_TASK_SORT, positionOf } from '../core/task-order.js';
import { decodeTaskCursor, encodeTaskCursor } from './task-cursor.js';
import type { Reporter } from '../core/state-machine.js';
import type { NewTaskInput, Task, TaskPatch } from '../core/task.js';
import type { Agent, AgentPatch, NewAgentInput } from '../core/agent.js';
import { AgentUseCases } from './agent-use-cases.js';
import { ClaimWaiters } from './claim-waiters.js';
import { loadAgentState, loadAllAgentStates } from './agent-state.js';
import { Dispatcher } from './dispatcher.js';
import { rankCandidates } from './matching.js';
import { whyNoAgent } from '../core/scoring.js';
import type { OrchestratorDeps } from './orchestrator-deps.js';
import { computeDelegationReport, computeMetrics } from './reports.js';
import { TaskUseCases } from './task-use-cases.js';
import { TimerService } from './timers.js';
import type {
  Actor,
  AgentState,
  AgentStatusRequest,
  Attempt,
  IdempotencyClaim,
  LogAppendResult,
  OrchestratorApi,
  Recommendation,
  TaskListRequest,
  TaskLogPage,
  TaskPage,
} from './types.js';
import { loadAttempts } from './attempts.js';
import type { NewLogLine } from '../core/task-log.js';
import { WorkRunner } from './unit-of-work.js';

/** The orchestrator as main.ts runs it: the use cases plus the lifecycle of timers and dispatch. */
export interface Orchestrator extends OrchestratorApi {
  /** Arms timers from the store and, in auto mode, offers queued work to every agent with a free slot. */
  start(): Promise<void>;
  /** Cancels timers and waits for in-flight dispatch work. */
  stop(): Promise<void>;
  /** Resolves when queued automatic dispatch and due timers have been processed (tests). */
  settled(): Promise<void>;
}

export function createOrchestrator(deps: OrchestratorDeps): Orchestrator {
  return new DefaultOrchestrator(deps);
}

class DefaultOrchestrator implements Orchestrator {
  readonly #runner: WorkRunner;
  readonly #tasks: TaskUseCases;
  readonly #agents: AgentUseCases;
  readonly #waiters: ClaimWaiters;
  readonly #dispatcher: Dispatcher;
  readonly #timers: TimerService;

  constructor(private readonly deps: OrchestratorDeps) {
    this.#runner = new WorkRunner(deps.store, deps.clock, deps.policy, deps.bus, deps.outbox ?? null);
    this.#tasks = new TaskUseCases(this.#runner, deps.policy);
    this.#waiters = new ClaimWaiters(deps.bus, deps.clock);
    this.#agents = new AgentUseCases(this.#runner, deps.clock, deps.store, this.#waiters);
    this.#dispatcher = new Dispatcher(deps.store, this.#runner, deps.logger);
    this.#timers = new TimerService(deps.store, deps.clock, this.#runner, deps.logger, deps.escalation);
  }

  async start(): Promise<void> {
    await this.#timers.start(this.deps.bus);
    if (this.deps.dispatch !== 'auto') return;
    this.#dispatcher.listen(this.deps.bus);
    for (const agent of await this.deps.store.agents.list()) if (canTakeWork(agent)) this.#dispatcher.agentFree(agent.id);
  }

  async stop(): Promise<void> {
    await this.#timers.stop();
    await this.#dispatcher.stop();
    this.#waiters.close();
  }

  async settled(): Promise<void> {
    await this.#timers.settled();
    await this.#dispatcher.idle();
  }

  // ------------------------------------------------------------- tasks

  createTask(input: NewTaskInput, actor: Actor, claim?: IdempotencyClaim): Promise<Task> {
    return this.#tasks.create(input, actor, claim);
  }

  idempotentResult(key: string) {
    return this.deps.store.idempotency.get({ key });
  }

  async getTask(id: string): Promise<Task> {
    const task = await this.deps.store.tasks.get({ id });
    if (task === null) throw new NotFoundError('task', id);
    return task;
  }

  async listTasks(request: TaskListRequest): Promise<TaskPage> {
    const { sort = DEFAULT_TASK_SORT, cursor, limit, ...criteria } = request;
    const after = cursor === undefined ? undefined : decodeTaskCursor(cursor, sort);
    // Two reads: under concurrent writes the total is the count of a moment next to the page's.
    const [tasks, total] = await Promise.all([
      this.deps.store.tasks.list({ ...criteria, sort, after, limit }),
      this.deps.store.tasks.count(criteria),
    ]);
    const last = tasks.at(-1);
    return {
      tasks,
      total,
      nextCursor: tasks.length === limit && last !== undefined ? encodeTaskCursor(sort, positionOf(last, sort.key)) : null,
    };
  }

  updateTask(id: string, patch: TaskPatch, actor: Actor): Promise<Task> {
    return this.#tasks.update(id, patch, actor);
  }

  async assignTask(id: string, opts: { agentId?: string; force?: boolean }, actor: Actor) {
    const { task, agent, changed } = await this.#tasks.assign(id, opts, actor);
    return { task, agent: await this.#state(agent), changed };
  }

  async processNext(actor: Actor) {
    const result = await this.#tasks.processNext(actor);
    return result === null ? null : { task: result.task, agent: await this.#state(result.agent) };
  }

  startTask(id: string, by: Reporter, actor: Actor): Promise<Task> {
    return this.#tasks.report(id, { type: 'start' }, by, actor);
  }

  reportProgress(
    id: string,
    params: { progress: number; status?: 'IN_PROGRESS' | 'COMPLETED' },
    by: Reporter,
    actor: Actor,
  ): Promise<Task> {
    return this.#tasks.progress(id, params, by, actor);
  }

  completeTask(id: string, result: unknown, by: Reporter, actor: Actor, usage?: AttemptUsage | null): Promise<Task> {
    return this.#tasks.report(id, { type: 'complete', result, usage }, by, actor);
  }

  failTask(id: string, reason: string, by: Reporter, actor: Actor, usage?: AttemptUsage | null): Promise<Task> {
    return this.#tasks.report(id, { type: 'fail', reason, usage }, by, actor);
  }

  releaseTask(id: string, params: { note: string | null; usage: AttemptUsage | null }, by: Reporter, actor: Actor): Promise<Task> {
    return this.#tasks.report(id, { type: 'requeue', reason: 'released', ...params }, by, actor);
  }

  rejectTask(id: string, reason: string, by: Reporter, actor: Actor): Promise<Task> {
    return this.#tasks.report(id, { type: 'reject', reason }, by, actor);
  }

  cancelTask(id: string, reason: string | null, actor: Actor): Promise<Task> {
    return this.#tasks.operator(id, { type: 'cancel', reason }, actor);
  }

  retryTask(id: string, actor: Actor): Promise<Task> {
    return this.#tasks.operator(id, { type: 'retry' }, actor);
  }

  async appendLogs(id: string, lines: NewLogLine[], by: Reporter, actor: Actor): Promise<LogAppendResult> {
    const { rows, accepted, dropped, truncated } = await this.#tasks.appendLogs(id, lines, by, actor);
    if (rows.length > 0) this.deps.bus.publishLogs({ taskId: id, lines: rows });
    return { accepted, dropped, truncated };
  }

  async taskLogs(id: string, page: { after: number; limit: number }): Promise<TaskLogPage> {
    await this.getTask(id);
    // One line more than asked tells whether another page follows, without a count.
    const [lines, tail] = await Promise.all([
      this.deps.store.logs.list({ taskId: id, after: page.after, limit: page.limit + 1 }),
      this.deps.store.logs.tail({ taskId: id }),
    ]);
    const shown = lines.slice(0, page.limit);
    return { lines: shown, lastSeq: shown.at(-1)?.seq ?? page.after, hasMore: lines.length > page.limit, truncated: tail.truncated };
  }

  async taskAttempts(id: string): Promise<Attempt[]> {
    await this.getTask(id);
    return loadAttempts(this.deps.store, id);
  }

  async recommend(id: string): Promise<Recommendation> {
    const task = await this.getTask(id);
    const candidates = await rankCandidates(this.deps.store, task, this.deps.clock.now());
    const blockedBy = candidates.length > 0 ? null : whyNoAgent(task, await this.deps.store.agents.list());
    return { taskId: id, candidates, blockedBy };
  }

  // ------------------------------------------------------------- agents

  async registerAgent(input: NewAgentInput, actor: Actor, claim?: IdempotencyClaim): Promise<AgentState> {
    return this.#state(await this.#agents.register(input, actor, claim));
  }

  async getAgent(id: string): Promise<AgentState> {
    const state = await loadAgentState(this.deps.store, id);
    if (state === null) throw new NotFoundError('agent', id);
    return state;
  }

  listAgents(): Promise<AgentState[]> {
    return loadAllAgentStates(this.deps.store);
  }

  async updateAgent(id: string, patch: AgentPatch, actor: Actor): Promise<AgentState> {
    return this.#state(await this.#agents.update(id, patch, actor));
  }

  async setAgentStatus(id: string, status: AgentStatusRequest, actor: Actor): Promise<AgentState> {
    return this.#state(await this.#agents.setStatus(id, status, actor));
  }

  removeAgent(id: string, actor: Actor): Promise<{ requeued: string[] }> {
    return this.#agents.remove(id, actor);
  }

  async agentTasks(id: string): Promise<Task[]> {
    await this.getAgent(id);
    return this.deps.store.tasks.listHeldBy({ agentId: id });
  }

  async heartbeat(agentId: string, actor: Actor): Promise<AgentState> {
    return this.#state(await this.#agents.heartbeat(agentId, actor));
  }

  claim(agentId: string, opts: { waitMs: number }, actor: Actor): Promise<Task | null> {
    return this.#agents.claim(agentId, opts.waitMs, actor);
  }

  // ------------------------------------------------------------- reading

  listEvents(filter: EventFilter) {
    return this.deps.store.events.list(filter);
  }

  metrics() {
    return computeMetrics(this.deps.store);
  }

  delegationReport() {
    return computeDelegationReport(this.deps.store);
  }

  async #state(agent: Agent): Promise<AgentState> {
    return (await loadAgentState(this.deps.store, agent.id)) ?? { ...agent, currentTasks: [] };
  }
}
