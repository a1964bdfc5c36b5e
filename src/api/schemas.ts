import { Type, type Static, type TSchema } from '@fastify/type-provider-typebox';
import { AGENT_AVAILABILITIES, AGENT_KINDS, AGENT_STATUSES } from '../core/agent.js';
import { ERROR_CODES } from '../core/errors.js';
import { EVENT_TYPES, type AttemptUsage } from '../core/events.js';
import { LOG_STREAMS } from '../core/task-log.js';
import { PRIORITIES, TASK_STATUSES } from '../core/task.js';
import { TASK_SORT_KEYS } from '../core/task-order.js';
import type { AgentView, AttemptView, EventView, LogLineView, TaskView } from './views.js';

/**
 * The JSON schemas of the REST API. They drive request validation, the OpenAPI document
 * and the handlers' types at once (TypeBox type provider), so the three cannot drift.
 * Response schemas document and type the payloads; responses are serialised with
 * JSON.stringify, so a schema can never silently drop a field of a view.
 */

/** Bounds of request fields: generous for real use, small enough that no body can exhaust memory through one field. */
export const LIMITS = Object.freeze({
  titleChars: 500,
  descriptionChars: 20_000,
  reasonChars: 2_000,
  capabilityChars: 64,
  capabilities: 50,
  labels: 50,
  labelChars: 64,
  dependsOn: 100,
  idChars: 64,
  etaChars: 64,
  maxAttempts: 20,
  maxConcurrentTasks: 1000,
  claimWaitMs: 30_000,
  taskPageDefault: 500,
  taskPageMax: 1000,
  eventPageDefault: 100,
  eventPageMax: 500,
  usageTextChars: 200,
  logLineChars: 8192,
  logLinesPerAppend: 500,
  logPageDefault: 500,
  logPageMax: 1000,
  /**
   * Largest integer any request may carry (ids, cursors, fencing tokens): both stores
   * hold it exactly (BIGINT on PostgreSQL, INTEGER on SQLite) and so does a JS number.
   * Beyond it PostgreSQL refused the value (500) while SQLite compared it as a float.
   */
  integerMax: Number.MAX_SAFE_INTEGER,
});

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const IsoDate = Type.String({ format: 'date-time' });
const NullableDate = Nullable(IsoDate);
const Strings = Type.Array(Type.String());
/** Text that must say something: not empty, not only whitespace. */
const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '\\S' });
const CapabilityList = Type.Array(Text(LIMITS.capabilityChars), { maxItems: LIMITS.capabilities });
const LeaseToken = Type.Integer({
  minimum: 0,
  maximum: LIMITS.integerMax,
  description: 'Fencing token of the lease (also accepted as the X-Lease-Token header).',
});

/** P0..P3, exact case: the seed never sent anything else. */
export const PrioritySchema = Type.Enum(PRIORITIES);
/** The task states of the state machine (docs/state-machine.md). */
export const TaskStatusSchema = Type.Enum(TASK_STATUSES);

// ---------------------------------------------------------------- views (responses)

const ScoreTermsSchema = Type.Object({
  capabilityFit: Type.Number(),
  reliability: Type.Number(),
  spareCapacity: Type.Number(),
  deadlineFit: Type.Number(),
  recency: Type.Number(),
});

/** One scored agent: every score term is shown so "why this agent" is answerable. */
export const CandidateSchema = Type.Object({ agentId: Type.String(), score: Type.Number(), terms: ScoreTermsSchema });

/** The task JSON (src/api/views.ts taskView): the seed's fields next to ours. */
export const TaskViewSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String({ description: 'The seed name of `title`.' }),
    title: Type.String(),
    description: Type.String(),
    priority: PrioritySchema,
    status: TaskStatusSchema,
    progress: Type.Number(),
    agent: Nullable(Type.String()),
    eta: Nullable(Type.String()),
    requiredCapabilities: Strings,
    preferredCapabilities: Strings,
    dependsOn: Strings,
    labels: Strings,
    sla: NullableDate,
    slaDeadline: NullableDate,
    slaWarningAt: NullableDate,
    slaWarned: Type.Boolean(),
    slaViolated: Type.Boolean(),
    queueRank: Type.Integer(),
    maxAttempts: Type.Integer(),
    attempts: Type.Integer(),
    retryAt: NullableDate,
    excludedAgents: Strings,
    leaseToken: Type.Integer(),
    offerExpiresAt: NullableDate,
    leaseExpiresAt: NullableDate,
    assignment: Nullable(
      Type.Object({
        mode: Type.Enum(['auto', 'manual', 'queue', 'claim', 'forced']),
        chosen: CandidateSchema,
        runnersUp: Type.Array(CandidateSchema),
        consideredCount: Type.Integer(),
        decidedAt: IsoDate,
      }),
    ),
    result: Type.Unknown(),
    failureReason: Nullable(Type.String()),
    createdAt: NullableDate,
    updatedAt: NullableDate,
    assignedAt: NullableDate,
    startedAt: NullableDate,
    completedAt: NullableDate,
    failedAt: NullableDate,
    cancelledAt: NullableDate,
    version: Type.Integer(),
  },
  { title: 'Task' },
);

/** The agent JSON (agentView); `status` derives from availability and load. */
export const AgentViewSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    kind: Type.Enum(AGENT_KINDS),
    status: Type.Enum(AGENT_STATUSES),
    availability: Type.Enum(AGENT_AVAILABILITIES),
    capabilities: Strings,
    currentTasks: Strings,
    load: Type.Integer(),
    maxConcurrentTasks: Type.Integer(),
    reliability: Type.Number({ description: 'Learned reliability (Bayesian, prior = declaredReliability).' }),
    declaredReliability: Type.Number(),
    completedCount: Type.Integer(),
    failedCount: Type.Integer(),
    costPerHour: Nullable(Type.Number()),
    overloaded: Type.Boolean(),
    lastHeartbeatAt: NullableDate,
    lastAssignedAt: NullableDate,
    createdAt: NullableDate,
    updatedAt: NullableDate,
    version: Type.Integer(),
  },
  { title: 'Agent' },
);

/** One row of the event log as JSON; `id` is what clients resume from. */
export const EventViewSchema = Type.Object(
  {
    id: Type.Integer(),
    type: Type.Enum(EVENT_TYPES),
    taskId: Nullable(Type.String()),
    agentId: Nullable(Type.String()),
    actor: Type.String(),
    at: IsoDate,
    payload: Type.Record(Type.String(), Type.Unknown()),
  },
  { title: 'Event' },
);

/** Compile-time guard: a view and its schema have the same fields and the view fits the schema. */
type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false;
type Fits<View, Schema extends TSchema> = View extends Static<Schema> ? SameKeys<View, Static<Schema>> : false;
const viewsMatchSchemas: [
  Fits<TaskView, typeof TaskViewSchema>,
  Fits<AgentView, typeof AgentViewSchema>,
  Fits<EventView, typeof EventViewSchema>,
  Fits<AttemptUsage, typeof AttemptUsageSchema>,
  Fits<LogLineView, typeof LogLineViewSchema>,
  Fits<AttemptView, typeof AttemptViewSchema>,
] = [true, true, true, true, true, true];
void viewsMatchSchemas;

/** The error envelope: the seed had no `success` on errors and no code (seed defect 13). */
export const ErrorSchema = Type.Object(
  {
    success: Type.Literal(false),
    error: Type.String({ description: 'Human-readable message.' }),
    code: Type.Enum(ERROR_CODES),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    taskId: Type.Optional(Type.String({ description: 'Seed compatibility: set on TASK_NOT_FOUND.' })),
    agentId: Type.Optional(Type.String({ description: 'Seed compatibility: set on AGENT_NOT_FOUND.' })),
  },
  { title: 'Error' },
);
/** An error response body, as errors.ts builds it. */
export type ErrorBody = Static<typeof ErrorSchema>;

/** Every route may answer with the error envelope. */
export const errorResponses = { '4xx': ErrorSchema, '5xx': ErrorSchema } as const;

// ---------------------------------------------------------------- params and queries

/** `:taskId`, bounded so a huge id never reaches the store. */
export const TaskIdParams = Type.Object({ taskId: Type.String({ minLength: 1, maxLength: LIMITS.idChars }) });
/** `:agentId`, bounded like task ids. */
export const AgentIdParams = Type.Object({ agentId: Type.String({ minLength: 1, maxLength: LIMITS.idChars }) });

/** `priority`, `-priority`, ...: every order of task-order.ts, ascending or (leading `-`) descending. */
export const TASK_SORT_PARAMS = TASK_SORT_KEYS.flatMap((key) => [key, `-${key}`] as const);

/** Filters, order and cursor of GET /api/tasks; unknown parameters are refused so typos are not silently ignored. */
export const TaskListQuery = Type.Object(
  {
    status: Type.Optional(Type.String({ description: 'Comma-separated statuses, any case (PENDING,ASSIGNED).' })),
    priority: Type.Optional(Type.String({ description: 'Comma-separated priorities (P0,P1).' })),
    agent: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.idChars })),
    capability: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.capabilityChars })),
    label: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.labelChars })),
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Case-insensitive text in id, title or description.' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.taskPageMax, default: LIMITS.taskPageDefault })),
    sort: Type.Optional(
      Type.Enum(TASK_SORT_PARAMS, {
        default: 'created',
        description:
          'Order: created (creation), priority (P0 first), deadline (slaDeadline, earliest first), updated (least recently ' +
          'changed first); a leading - reverses it (-deadline = latest first). Ties are broken by creation order in the ' +
          'same direction, so paging visits every task once.',
      }),
    ),
    cursor: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        pattern: '^[a-z0-9.-]+$',
        description:
          'The nextCursor of the previous page, unchanged, with the same sort (another sort is a 400). ' +
          'For sort=created it is the last task seq, so older integer cursors keep working.',
      }),
    ),
  },
  { additionalProperties: false },
);

/** Filters of GET /api/events: the activity feed (desc) and replay (asc). */
export const EventListQuery = Type.Object(
  {
    taskId: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.idChars })),
    agentId: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.idChars })),
    type: Type.Optional(Type.String({ description: 'Comma-separated event types (task.assigned,task.failed).' })),
    after: Type.Optional(Type.Integer({ minimum: 0, maximum: LIMITS.integerMax, description: 'Only events with a greater id.' })),
    before: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.integerMax, description: 'Only events with a smaller id.' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.eventPageMax, default: LIMITS.eventPageDefault })),
    order: Type.Optional(Type.Enum(['asc', 'desc'], { default: 'desc', description: 'desc = newest first (feed), asc = replay.' })),
  },
  { additionalProperties: false },
);

// ---------------------------------------------------------------- request bodies

const taskFields = {
  description: Type.String({ maxLength: LIMITS.descriptionChars }),
  priority: PrioritySchema,
  requiredCapabilities: CapabilityList,
  preferredCapabilities: CapabilityList,
  labels: Type.Array(Text(LIMITS.labelChars), { maxItems: LIMITS.labels }),
  eta: Nullable(Type.String({ maxLength: LIMITS.etaChars, description: 'Free text such as "30min" or "2-4h".' })),
  slaDeadline: IsoDate,
  maxAttempts: Type.Integer({ minimum: 1, maximum: LIMITS.maxAttempts }),
  dependsOn: Type.Array(Type.String({ minLength: 1, maxLength: LIMITS.idChars }), {
    maxItems: LIMITS.dependsOn,
    description: 'Task ids that must complete first. A dependency that fails for good or is cancelled cancels this task.',
  }),
};

/** POST /api/tasks: unknown fields are refused (a typo such as `priorty` must not be dropped silently). */
export const CreateTaskBody = Type.Object(
  {
    title: Type.Optional(Text(LIMITS.titleChars)),
    name: Type.Optional(Text(LIMITS.titleChars)),
    description: Type.Optional(taskFields.description),
    priority: Type.Optional(taskFields.priority),
    requiredCapabilities: Type.Optional(taskFields.requiredCapabilities),
    preferredCapabilities: Type.Optional(taskFields.preferredCapabilities),
    dependsOn: Type.Optional(taskFields.dependsOn),
    labels: Type.Optional(taskFields.labels),
    eta: Type.Optional(taskFields.eta),
    slaDeadline: Type.Optional(taskFields.slaDeadline),
    maxAttempts: Type.Optional(taskFields.maxAttempts),
  },
  { additionalProperties: false, description: 'A new task; `title` (or the seed name `name`) is required.' },
);

/** PATCH /api/tasks/:taskId: at least one field; capabilities and dependencies only while the task waits. */
export const PatchTaskBody = Type.Object(
  {
    title: Type.Optional(Text(LIMITS.titleChars)),
    name: Type.Optional(Text(LIMITS.titleChars)),
    description: Type.Optional(taskFields.description),
    priority: Type.Optional(taskFields.priority),
    requiredCapabilities: Type.Optional(taskFields.requiredCapabilities),
    preferredCapabilities: Type.Optional(taskFields.preferredCapabilities),
    labels: Type.Optional(taskFields.labels),
    eta: Type.Optional(taskFields.eta),
    slaDeadline: Type.Optional(taskFields.slaDeadline),
    maxAttempts: Type.Optional(taskFields.maxAttempts),
    dependsOn: Type.Optional(taskFields.dependsOn),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** Optional: the seed dashboard posts no body at all. */
export const AssignBody = Type.Object(
  {
    agentId: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.idChars })),
    force: Type.Optional(
      Type.Boolean({ description: 'Assign to agentId even if it is not eligible (full, paused, missing a capability).' }),
    ),
  },
  { additionalProperties: false },
);

/** Reports with nothing to say but the fencing token (start). */
export const ReportBody = Type.Object({ leaseToken: Type.Optional(LeaseToken) }, { additionalProperties: false });

/** The seed's PUT progress body, with the range and status it never checked (seed defect 10). */
export const ProgressBody = Type.Object(
  {
    progress: Type.Number({ minimum: 0, maximum: 100 }),
    status: Type.Optional(Type.Enum(['IN_PROGRESS', 'COMPLETED'])),
    leaseToken: Type.Optional(LeaseToken),
  },
  { additionalProperties: false },
);

const Count = Type.Integer({ minimum: 0, maximum: LIMITS.integerMax });
const UsageText = Type.String({ maxLength: LIMITS.usageTextChars });

/** What one attempt cost, as its agent reports it; every field optional since each CLI knows different things. */
export const AttemptUsageSchema = Type.Object(
  {
    inputTokens: Type.Optional(Count),
    outputTokens: Type.Optional(Count),
    cachedTokens: Type.Optional(Count),
    turns: Type.Optional(Count),
    durationMs: Type.Optional(Count),
    costUsd: Type.Optional(Type.Number({ minimum: 0, maximum: LIMITS.integerMax })),
    sessionId: Type.Optional(UsageText),
    model: Type.Optional(UsageText),
    profile: Type.Optional(UsageText),
    exitCode: Type.Optional(Nullable(Type.Integer({ minimum: -LIMITS.integerMax, maximum: LIMITS.integerMax }))),
  },
  { additionalProperties: false, title: 'AttemptUsage' },
);
const Usage = Type.Optional(AttemptUsageSchema);

/** Completion with an optional result of any JSON shape. */
export const CompleteBody = Type.Object(
  { result: Type.Optional(Type.Unknown()), usage: Usage, leaseToken: Type.Optional(LeaseToken) },
  { additionalProperties: false },
);
/** A failure must say why: the reason is shown to operators and kept in the history. */
export const FailBody = Type.Object(
  { reason: Text(LIMITS.reasonChars), usage: Usage, leaseToken: Type.Optional(LeaseToken) },
  { additionalProperties: false },
);
/** Declining an offer must say why, like a failure. */
export const RejectBody = Type.Object(
  { reason: Text(LIMITS.reasonChars), leaseToken: Type.Optional(LeaseToken) },
  { additionalProperties: false },
);
/** Giving a task back may say why (a usage limit, the worker stopping). */
export const ReleaseBody = Type.Object(
  { reason: Type.Optional(Text(LIMITS.reasonChars)), usage: Usage, leaseToken: Type.Optional(LeaseToken) },
  { additionalProperties: false },
);
/** Cancelling may say why. */
export const CancelBody = Type.Object({ reason: Type.Optional(Text(LIMITS.reasonChars)) }, { additionalProperties: false });

const agentFields = {
  name: Text(200),
  kind: Type.Enum(AGENT_KINDS),
  capabilities: CapabilityList,
  maxConcurrentTasks: Type.Integer({ minimum: 1, maximum: LIMITS.maxConcurrentTasks }),
  reliability: Type.Number({ minimum: 0, maximum: 1, description: 'Declared reliability: the prior of the learned one.' }),
  costPerHour: Nullable(Type.Number({ minimum: 0 })),
};

/** The statuses a caller may ask for (PUT status, registration); OVERLOADED and the like derive from load. */
const RequestedAgentStatus = (description?: string) => Type.Enum(['ACTIVE', 'IDLE', 'PAUSED', 'OFFLINE'], { description });

/**
 * POST /api/agents (the registration the seed lacked: seed defect 2). The seed's agent objects
 * (seed-contract.md §3) register as they are: `status` is applied, `currentTasks` is accepted and
 * ignored. Any other field, server-owned ones such as `load` or `lastHeartbeatAt` included, is a 400.
 */
export const CreateAgentBody = Type.Object(
  {
    id: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$', description: 'Derived from the name when absent.' })),
    name: agentFields.name,
    kind: Type.Optional(agentFields.kind),
    capabilities: Type.Optional(agentFields.capabilities),
    maxConcurrentTasks: Type.Optional(agentFields.maxConcurrentTasks),
    reliability: Type.Optional(agentFields.reliability),
    costPerHour: Type.Optional(agentFields.costPerHour),
    status: Type.Optional(
      RequestedAgentStatus(
        'Applied: the state the agent starts in. ACTIVE or IDLE = available (shown IDLE until it holds a task), ' +
          'PAUSED = takes no new work, OFFLINE = until its first heartbeat. Default available.',
      ),
    ),
    currentTasks: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: LIMITS.idChars }), {
        maxItems: LIMITS.maxConcurrentTasks,
        description:
          'Seed field, accepted and ignored: the tasks an agent holds are server-owned (they follow assignments). ' +
          'A new agent holds none, so the response always has currentTasks: [].',
      }),
    ),
  },
  { additionalProperties: false },
);

/** PATCH /api/agents/:agentId: at least one field. */
export const PatchAgentBody = Type.Object(
  {
    name: Type.Optional(agentFields.name),
    kind: Type.Optional(agentFields.kind),
    capabilities: Type.Optional(agentFields.capabilities),
    maxConcurrentTasks: Type.Optional(agentFields.maxConcurrentTasks),
    reliability: Type.Optional(agentFields.reliability),
    costPerHour: Type.Optional(agentFields.costPerHour),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** The seed's PUT status, limited to statuses that mean something (seed defect 10). */
export const AgentStatusBody = Type.Object({ status: RequestedAgentStatus() }, { additionalProperties: false });

/** Pull mode; the wait is bounded so a request never hangs past proxies' timeouts. */
export const ClaimBody = Type.Object(
  {
    waitMs: Type.Optional(
      Type.Integer({ minimum: 0, maximum: LIMITS.claimWaitMs, description: 'Long-poll: wait up to this long for work.' }),
    ),
  },
  { additionalProperties: false },
);

// ---------------------------------------------------------------- envelopes

// ---------------------------------------------------------------- task logs and attempts

/** One line a runner sends; NUL and lone surrogates are refused by the input guard like in every string. */
export const LogLineInputSchema = Type.Object(
  {
    text: Type.String({ maxLength: LIMITS.logLineChars }),
    stream: Type.Optional(Type.Enum(LOG_STREAMS, { default: 'stdout' })),
    at: Type.Optional(Type.String({ format: 'date-time', description: 'When the runner saw the line; default when stored.' })),
  },
  { additionalProperties: false, title: 'LogLineInput' },
);

/** POST /api/tasks/:taskId/logs. */
export const AppendLogsBody = Type.Object(
  {
    lines: Type.Array(LogLineInputSchema, { minItems: 1, maxItems: LIMITS.logLinesPerAppend }),
    leaseToken: Type.Optional(LeaseToken),
  },
  { additionalProperties: false },
);

/** GET /api/tasks/:taskId/logs: a page after a seq, oldest first. */
export const TaskLogsQuery = Type.Object(
  {
    after: Type.Optional(
      Type.Integer({ minimum: 0, maximum: LIMITS.integerMax, default: 0, description: 'Only lines with a greater seq.' }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.logPageMax, default: LIMITS.logPageDefault })),
  },
  { additionalProperties: false },
);

/** One stored log line as JSON (views.ts logLineView). */
export const LogLineViewSchema = Type.Object(
  { seq: Type.Integer(), attempt: Type.Integer(), stream: Type.Enum(LOG_STREAMS), text: Type.String(), at: IsoDate },
  { title: 'LogLine' },
);

/** One attempt of a task, derived from its events (views.ts attemptView). */
export const AttemptViewSchema = Type.Object(
  {
    number: Type.Integer({ description: '1-based, in start order.' }),
    agentId: Nullable(Type.String()),
    startedAt: IsoDate,
    endedAt: NullableDate,
    outcome: Type.Enum(['running', 'completed', 'failed', 'released', 'requeued', 'cancelled']),
    reason: Nullable(Type.String()),
    usage: Nullable(AttemptUsageSchema),
  },
  { title: 'Attempt' },
);

/** `{ success: true, ...fields }`: the seed's success envelope. */
export const ok = <T extends Record<string, TSchema>>(fields: T) => Type.Object({ success: Type.Literal(true), ...fields });

/** `{ success, task }`: the seed's single-task envelope. */
export const TaskEnvelope = ok({ task: TaskViewSchema });
/** `{ success, agent }`: the seed's single-agent envelope. */
export const AgentEnvelope = ok({ agent: AgentViewSchema });
/** `{ success, message, task }`: the seed's answer to progress and fail. */
export const TaskMessageEnvelope = ok({ message: Type.String(), task: TaskViewSchema });
