import { Type } from '@fastify/type-provider-typebox';
import { actorOf, reporterOf, type RouteContext, type TypedApp } from '../route-context.js';
import {
  AgentViewSchema,
  AssignBody,
  CancelBody,
  CompleteBody,
  FailBody,
  ProgressBody,
  RejectBody,
  ReleaseBody,
  ReportBody,
  TaskEnvelope,
  TaskIdParams,
  TaskMessageEnvelope,
  TaskViewSchema,
  errorResponses,
  ok,
} from '../schemas.js';
import { agentView, taskView } from '../views.js';

/** POST /api/tasks/:taskId/assign. */
export const AssignEnvelope = ok({ message: Type.String(), task: TaskViewSchema, agent: AgentViewSchema, changed: Type.Boolean() });
/** POST /api/tasks/queue/next: task null when nothing could be assigned. */
export const QueueNextEnvelope = ok({
  message: Type.String(),
  task: Type.Union([TaskViewSchema, Type.Null()]),
  agent: Type.Optional(AgentViewSchema),
  pending: Type.Optional(Type.Integer({ description: 'Pending tasks no agent can take right now.' })),
});
const tags = ['task actions'];

/**
 * What people and agents do to a task: the seed's assign / progress / fail / queue-next
 * with their envelopes and messages, and the transitions it lacked (start, complete,
 * reject, cancel, retry). Every one goes through the orchestrator's state machine, so
 * an impossible move is a 409, never a silent overwrite (seed defect 10).
 */
export function taskActionRoutes(app: TypedApp, { orchestrator }: RouteContext): void {
  app.post(
    '/tasks/:taskId/assign',
    {
      config: { permission: 'tasks:write' },
      schema: {
        tags,
        summary: 'Assign to the best eligible agent, or to agentId (force: even if not eligible)',
        description: 'No body is needed (the seed dashboard sends none). A task that already has an agent is returned unchanged.',
        params: TaskIdParams,
        body: AssignBody,
        response: {
          200: AssignEnvelope,
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { task, agent, changed } = await orchestrator.assignTask(request.params.taskId, request.body, actorOf(request));
      return {
        success: true as const,
        message: `Task ${task.id} assigned to ${task.agent ?? agent.id}`,
        task: taskView(task),
        agent: agentView(agent),
        changed,
      };
    },
  );

  app.post(
    '/tasks/queue/next',
    {
      config: { permission: 'tasks:write' },
      schema: {
        tags,
        summary: 'Assign the most urgent task any agent can take (skips tasks nobody can take)',
        response: {
          200: QueueNextEnvelope,
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const next = await orchestrator.processNext(actorOf(request));
      if (next !== null)
        return { success: true as const, message: 'Next task assigned', task: taskView(next.task), agent: agentView(next.agent) };
      const pending = (await orchestrator.metrics()).byStatus.PENDING;
      if (pending === 0) return { success: true as const, message: 'No tasks in queue', task: null };
      return { success: true as const, message: 'No assignable task', task: null, pending };
    },
  );

  app.post(
    '/tasks/:taskId/start',
    {
      config: { permission: 'agent:report' },
      schema: {
        tags,
        summary: 'Accept an offer: ASSIGNED -> IN_PROGRESS',
        params: TaskIdParams,
        body: ReportBody,
        response: { 200: TaskEnvelope, ...errorResponses },
      },
    },
    async (request) => {
      const task = await orchestrator.startTask(request.params.taskId, reporterOf(request, request.body.leaseToken), actorOf(request));
      return { success: true as const, task: taskView(task) };
    },
  );

  app.put(
    '/tasks/:taskId/progress',
    {
      config: { permission: 'agent:report' },
      schema: {
        tags,
        summary: 'Report progress (seed route); progress 100 or status COMPLETED completes the task',
        params: TaskIdParams,
        body: ProgressBody,
        response: { 200: TaskMessageEnvelope, ...errorResponses },
      },
    },
    async (request) => {
      const { progress, status, leaseToken } = request.body;
      const params = status === undefined ? { progress } : { progress, status };
      const task = await orchestrator.reportProgress(request.params.taskId, params, reporterOf(request, leaseToken), actorOf(request));
      return { success: true as const, message: 'Task progress updated', task: taskView(task) };
    },
  );

  app.post(
    '/tasks/:taskId/complete',
    {
      config: { permission: 'agent:report' },
      schema: {
        tags,
        summary: 'Complete a task, with an optional result',
        params: TaskIdParams,
        body: CompleteBody,
        response: { 200: TaskEnvelope, ...errorResponses },
      },
    },
    async (request) => {
      const { result, usage, leaseToken } = request.body;
      const task = await orchestrator.completeTask(
        request.params.taskId,
        result ?? null,
        reporterOf(request, leaseToken),
        actorOf(request),
        usage ?? null,
      );
      return { success: true as const, task: taskView(task) };
    },
  );

  app.post(
    '/tasks/:taskId/fail',
    {
      config: { permission: 'agent:report' },
      schema: {
        tags,
        summary: 'Report a failed attempt (seed route); retried after a backoff while attempts remain',
        params: TaskIdParams,
        body: FailBody,
        response: { 200: TaskMessageEnvelope, ...errorResponses },
      },
    },
    async (request) => {
      const { reason, usage, leaseToken } = request.body;
      const task = await orchestrator.failTask(
        request.params.taskId,
        reason.trim(),
        reporterOf(request, leaseToken),
        actorOf(request),
        usage ?? null,
      );
      return { success: true as const, message: 'Task marked as failed', task: taskView(task) };
    },
  );

  app.post(
    '/tasks/:taskId/release',
    {
      config: { permission: 'agent:report' },
      schema: {
        tags,
        summary: 'Give a held task back to the queue: the attempt is not spent and the agent is not excluded',
        description:
          'ASSIGNED or IN_PROGRESS -> PENDING (event task.requeued, reason released, note = the reason given). ' +
          'For a runner that must stop (a usage limit, a shutdown) without blaming the task.',
        params: TaskIdParams,
        body: ReleaseBody,
        response: { 200: TaskEnvelope, ...errorResponses },
      },
    },
    async (request) => {
      const { reason, usage, leaseToken } = request.body;
      const note = reason?.trim() ?? null;
      const task = await orchestrator.releaseTask(
        request.params.taskId,
        { note, usage: usage ?? null },
        reporterOf(request, leaseToken),
        actorOf(request),
      );
      return { success: true as const, task: taskView(task) };
    },
  );

  app.post(
    '/tasks/:taskId/reject',
    {
      config: { permission: 'agent:report' },
      schema: {
        tags,
        summary: 'Decline an offer; the task goes back to the queue without this agent',
        params: TaskIdParams,
        body: RejectBody,
        response: { 200: TaskEnvelope, ...errorResponses },
      },
    },
    async (request) => {
      const { reason, leaseToken } = request.body;
      const task = await orchestrator.rejectTask(request.params.taskId, reason.trim(), reporterOf(request, leaseToken), actorOf(request));
      return { success: true as const, task: taskView(task) };
    },
  );

  app.post(
    '/tasks/:taskId/cancel',
    {
      config: { permission: 'tasks:write' },
      schema: {
        tags,
        summary: 'Cancel a task that has not ended',
        params: TaskIdParams,
        body: CancelBody,
        response: { 200: TaskEnvelope, ...errorResponses },
      },
    },
    async (request) => {
      const task = await orchestrator.cancelTask(request.params.taskId, request.body.reason?.trim() ?? null, actorOf(request));
      return { success: true as const, task: taskView(task) };
    },
  );

  app.post(
    '/tasks/:taskId/retry',
    {
      config: { permission: 'tasks:write' },
      schema: {
        tags,
        summary: 'Give a FAILED task a new set of attempts (history kept)',
        params: TaskIdParams,
        response: { 200: TaskEnvelope, ...errorResponses },
      },
    },
    async (request) => {
      const task = await orchestrator.retryTask(request.params.taskId, actorOf(request));
      return { success: true as const, task: taskView(task) };
    },
  );
}
