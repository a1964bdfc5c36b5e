import { z } from 'zod';
import { agentOf, defineTool, type ToolDefinition } from './tool-kit.js';

/**
 * The shapes tools answer, loose on purpose: the REST envelope is passed through as the
 * server built it (src/api/views.ts), and only the fields a client branches on are named,
 * so a field the server gains is never a validation failure in an older client.
 */
const Task = z.looseObject({
  id: z.string(),
  title: z.string(),
  status: z.string(),
  priority: z.string(),
  progress: z.number(),
  agent: z.string().nullable(),
  leaseToken: z.number().int(),
});
const TaskAnswer = z.looseObject({ task: Task });

const TaskId = z.string().min(1).describe('The task id, e.g. TASK-001.');
const AgentId = z.string().min(1).describe("The agent to act as; default the token's own agent.");
const LeaseToken = z
  .number()
  .int()
  .min(0)
  .describe("The lease's fencing token from the claimed task (`leaseToken`): a superseded holder's report is refused with STALE_LEASE.");
const reportOptions = (leaseToken: number | undefined) => (leaseToken === undefined ? undefined : { leaseToken });
const csv = (values: string[] | undefined) => (values === undefined ? undefined : values.join(','));

const listTasks = defineTool({
  name: 'list_tasks',
  description: 'Lists tasks, newest first by default, with the filters of GET /api/tasks; page on with nextCursor.',
  readOnly: true,
  input: z.strictObject({
    status: z.array(z.string().min(1)).optional().describe('Any of these statuses (PENDING, ASSIGNED, IN_PROGRESS, ...).'),
    priority: z.array(z.string().min(1)).optional().describe('Any of these priorities (P0..P3).'),
    agent: z.string().min(1).optional().describe('Only tasks assigned to this agent.'),
    capability: z.string().min(1).optional(),
    label: z.string().min(1).optional(),
    q: z.string().optional().describe('Text in the id, title or description.'),
    sort: z.enum(['created', '-created', 'priority', '-priority', 'deadline', '-deadline', 'updated', '-updated']).optional(),
    limit: z.number().int().min(1).optional(),
    cursor: z.string().min(1).optional(),
  }),
  output: z.looseObject({ tasks: z.array(Task), count: z.number().int(), total: z.number().int(), nextCursor: z.string().nullable() }),
  run: ({ status, priority, ...rest }, { client }) =>
    client.tasks.list({
      ...rest,
      ...(status === undefined ? {} : { status: csv(status) }),
      ...(priority === undefined ? {} : { priority: csv(priority) }),
    }),
});

const getTask = defineTool({
  name: 'get_task',
  description: 'One task with every field: status, assignee, lease, SLA, result.',
  readOnly: true,
  input: z.strictObject({ taskId: TaskId }),
  output: TaskAnswer,
  run: ({ taskId }, { client }) => client.tasks.get(taskId),
});

const createTask = defineTool({
  name: 'create_task',
  description: 'Creates a task; it is queued (or BLOCKED until its dependencies complete) and dispatched to the best agent.',
  readOnly: false,
  input: z.strictObject({
    title: z.string().min(1),
    description: z.string().optional(),
    priority: z.enum(['P0', 'P1', 'P2', 'P3']).optional().describe('P0 most urgent; default P2.'),
    requiredCapabilities: z.array(z.string().min(1)).optional().describe('An agent must hold all of these.'),
    preferredCapabilities: z.array(z.string().min(1)).optional().describe('Raise the score of agents holding them.'),
    dependsOn: z.array(z.string().min(1)).optional().describe('Task ids that must complete first.'),
    labels: z.array(z.string().min(1)).optional(),
    slaDeadline: z.string().optional().describe('ISO 8601 date-time; default from the priority policy.'),
    maxAttempts: z.number().int().min(1).optional(),
    idempotencyKey: z.string().min(1).optional().describe('The same key returns the first task instead of a second one.'),
  }),
  output: TaskAnswer,
  run: ({ idempotencyKey, ...input }, { client }) =>
    client.tasks.create(input, idempotencyKey === undefined ? undefined : { idempotencyKey }),
});

const claimTask = defineTool({
  name: 'claim_task',
  description:
    'Takes the best task this agent can do: assigned to it and started, under a lease. Waits up to waitMs for one; task is null when none came.',
  readOnly: false,
  input: z.strictObject({
    agentId: AgentId.optional(),
    // The bound (30 s) is REST's own: a longer wait is refused there as VALIDATION_FAILED.
    waitMs: z.number().int().min(0).optional().describe('Long-poll: wait up to this long for work, at most 30000 (default 0).'),
  }),
  output: z.looseObject({ task: Task.nullable() }),
  run: ({ agentId, waitMs }, backend) => backend.client.agents.claim(agentOf(agentId, backend), waitMs === undefined ? {} : { waitMs }),
});

const startTask = defineTool({
  name: 'start_task',
  description: 'Accepts an offered (ASSIGNED) task and starts it: IN_PROGRESS under a lease.',
  readOnly: false,
  input: z.strictObject({ taskId: TaskId, leaseToken: LeaseToken.optional() }),
  output: TaskAnswer,
  run: ({ taskId, leaseToken }, { client }) => client.tasks.start(taskId, reportOptions(leaseToken)),
});

const LogLine = z.strictObject({ text: z.string(), stream: z.enum(['stdout', 'stderr', 'system']).optional() });

const reportProgress = defineTool({
  name: 'report_progress',
  description:
    "Reports on a running task: a percentage, a note and log lines (the task's log, as a runner streams it). Each renews the lease.",
  readOnly: false,
  input: z
    .strictObject({
      taskId: TaskId,
      progress: z.number().min(0).max(100).optional().describe('Percent done, 0-100.'),
      note: z.string().min(1).optional().describe('One line for the humans watching; stored in the log as a system line.'),
      lines: z.array(LogLine).min(1).optional().describe('Output lines for the task log.'),
      leaseToken: LeaseToken.optional(),
    })
    .refine((a) => a.progress !== undefined || a.note !== undefined || a.lines !== undefined, {
      message: 'give at least one of progress, note, lines',
      path: ['progress'],
    }),
  output: z.looseObject({ task: Task.nullable(), accepted: z.number().int(), dropped: z.number().int() }),
  async run({ taskId, progress, note, lines, leaseToken }, { client }) {
    const options = reportOptions(leaseToken);
    const logLines = [...(note === undefined ? [] : [{ text: note, stream: 'system' as const }]), ...(lines ?? [])];
    // Progress first: a refusal (a stale lease, a finished task) then stops before any line is written.
    const task = progress === undefined ? null : (await client.tasks.progress(taskId, { progress }, options)).task;
    const logged =
      logLines.length === 0 ? { accepted: 0, dropped: 0 } : await client.tasks.appendLogs(taskId, { lines: logLines }, options);
    return { task, accepted: logged.accepted, dropped: logged.dropped };
  },
});

const completeTask = defineTool({
  name: 'complete_task',
  description: 'Completes a running task with its result (any JSON: a summary, a link, a patch id).',
  readOnly: false,
  input: z.strictObject({ taskId: TaskId, result: z.unknown().optional(), leaseToken: LeaseToken.optional() }),
  output: TaskAnswer,
  run: ({ taskId, result, leaseToken }, { client }) =>
    client.tasks.complete(taskId, result === undefined ? {} : { result }, reportOptions(leaseToken)),
});

const failTask = defineTool({
  name: 'fail_task',
  description: 'Fails the current attempt with a reason; the task is retried after a backoff while attempts are left, else FAILED.',
  readOnly: false,
  input: z.strictObject({ taskId: TaskId, reason: z.string().min(1), leaseToken: LeaseToken.optional() }),
  output: TaskAnswer,
  run: ({ taskId, reason, leaseToken }, { client }) => client.tasks.fail(taskId, { reason }, reportOptions(leaseToken)),
});

const releaseTask = defineTool({
  name: 'release_task',
  description: 'Gives a held task back: PENDING again, the attempt not spent, this agent still eligible.',
  readOnly: false,
  input: z.strictObject({ taskId: TaskId, reason: z.string().min(1).optional(), leaseToken: LeaseToken.optional() }),
  output: TaskAnswer,
  run: ({ taskId, reason, leaseToken }, { client }) =>
    client.tasks.release(taskId, reason === undefined ? {} : { reason }, reportOptions(leaseToken)),
});

const heartbeat = defineTool({
  name: 'heartbeat',
  description: 'Says this agent is alive and renews the leases of its running tasks; an agent silent past its lease loses them.',
  readOnly: false,
  input: z.strictObject({ agentId: AgentId.optional() }),
  output: z.looseObject({ agent: z.looseObject({ id: z.string(), status: z.string() }) }),
  run: ({ agentId }, backend) => backend.client.agents.heartbeat(agentOf(agentId, backend)),
});

const recommendAgents = defineTool({
  name: 'recommend_agents',
  description:
    'The agents ranked for a task, each with its score and the terms behind it (capability fit, reliability, capacity, SLA, recency).',
  readOnly: true,
  input: z.strictObject({ taskId: TaskId }),
  output: z.looseObject({
    taskId: z.string(),
    candidates: z.array(z.looseObject({ agentId: z.string(), score: z.number(), terms: z.record(z.string(), z.unknown()) })),
    blockedBy: z.string().nullable(),
  }),
  run: ({ taskId }, { client }) => client.tasks.recommendations(taskId),
});

const queueSummary = defineTool({
  name: 'queue_summary',
  description: 'Counts of the queue: tasks by status and priority, active agents, SLA at risk and violated.',
  readOnly: true,
  input: z.strictObject({}),
  output: z.looseObject({ metrics: z.looseObject({ totalTasks: z.number().int(), byStatus: z.record(z.string(), z.number()) }) }),
  run: (_args, { client }) => client.tasks.metrics(),
});

/** Every tool, in the order tools/list shows them (docs/mcp.md lists the same). */
export const TOOLS: readonly ToolDefinition[] = [
  listTasks,
  getTask,
  createTask,
  claimTask,
  startTask,
  reportProgress,
  completeTask,
  failTask,
  releaseTask,
  heartbeat,
  recommendAgents,
  queueSummary,
];
