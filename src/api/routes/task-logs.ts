import { Type } from '@fastify/type-provider-typebox';
import { actorOf, reporterOf, type RouteContext, type TypedApp } from '../route-context.js';
import {
  AppendLogsBody,
  AttemptViewSchema,
  LIMITS,
  LogLineViewSchema,
  TaskIdParams,
  TaskLogsQuery,
  errorResponses,
  ok,
} from '../schemas.js';
import { attemptView, logLineView } from '../views.js';
import { TASK_LOG_MAX_BYTES } from '../../core/task-log.js';

/** POST /api/tasks/:taskId/logs. */
export const AppendLogsEnvelope = ok({
  accepted: Type.Integer({ description: 'Lines stored.' }),
  dropped: Type.Integer({ description: 'Lines refused because the log reached its cap.' }),
  truncated: Type.Boolean(),
});
/** GET /api/tasks/:taskId/logs. */
export const TaskLogsEnvelope = ok({
  lines: Type.Array(LogLineViewSchema),
  count: Type.Integer(),
  lastSeq: Type.Integer({ description: 'Seq of the last line returned, or `after` when none: pass it as the next `after`.' }),
  hasMore: Type.Boolean(),
  truncated: Type.Boolean({ description: 'The log reached its cap; later lines were dropped.' }),
});
/** GET /api/tasks/:taskId/attempts. */
export const AttemptsEnvelope = ok({ attempts: Type.Array(AttemptViewSchema) });
const tags = ['task logs'];
const CAP = `${TASK_LOG_MAX_BYTES / (1024 * 1024)} MiB`;

/** What a runner streams while it works, and the attempts a task has had. */
export function taskLogRoutes(app: TypedApp, { orchestrator }: RouteContext): void {
  app.post(
    '/tasks/:taskId/logs',
    {
      config: { permission: 'agent:report' },
      schema: {
        tags,
        summary: 'Append log lines to a held task (renews its lease like a heartbeat)',
        description:
          `ASSIGNED or IN_PROGRESS only; an agent token only on a task it holds. Each task keeps at most ${CAP} of text: ` +
          'lines past it are dropped and one system line says so. Sockets that may read receive `task:log`.',
        params: TaskIdParams,
        body: AppendLogsBody,
        response: { 200: AppendLogsEnvelope, ...errorResponses },
      },
    },
    async (request) => {
      const { lines, leaseToken } = request.body;
      const result = await orchestrator.appendLogs(
        request.params.taskId,
        lines.map((l) => ({ text: l.text, stream: l.stream ?? 'stdout', at: l.at === undefined ? null : Date.parse(l.at) })),
        reporterOf(request, leaseToken),
        actorOf(request),
      );
      return { success: true as const, ...result };
    },
  );

  app.get(
    '/tasks/:taskId/logs',
    {
      config: { permission: 'read' },
      schema: {
        tags,
        summary: "A page of the task's log, oldest first",
        params: TaskIdParams,
        querystring: TaskLogsQuery,
        response: { 200: TaskLogsEnvelope, ...errorResponses },
      },
    },
    async (request) => {
      const { after = 0, limit = LIMITS.logPageDefault } = request.query;
      const page = await orchestrator.taskLogs(request.params.taskId, { after, limit });
      const lines = page.lines.map(logLineView);
      return {
        success: true as const,
        lines,
        count: lines.length,
        lastSeq: page.lastSeq,
        hasMore: page.hasMore,
        truncated: page.truncated,
      };
    },
  );

  app.get(
    '/tasks/:taskId/attempts',
    {
      config: { permission: 'read' },
      schema: {
        tags,
        summary: "The task's attempts, derived from its events: one per start, with how it ended and what it cost",
        params: TaskIdParams,
        response: { 200: AttemptsEnvelope, ...errorResponses },
      },
    },
    async (request) => {
      const attempts = await orchestrator.taskAttempts(request.params.taskId);
      return { success: true as const, attempts: attempts.map(attemptView) };
    },
  );
}
