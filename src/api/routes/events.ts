import { Type } from '@fastify/type-provider-typebox';
import { EVENT_TYPES } from '../../core/events.js';
import { parseList, type RouteContext, type TypedApp } from '../route-context.js';
import { EventListQuery, EventViewSchema, LIMITS, TaskIdParams, errorResponses, ok } from '../schemas.js';
import { eventView } from '../views.js';

/** GET /api/events: a page of the log; nextCursor is the `before` (desc) or `after` (asc) of the next. */
export const EventListEnvelope = ok({ events: Type.Array(EventViewSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) });
/** GET /api/tasks/:taskId/events: one task's timeline. */
export const TaskEventsEnvelope = ok({ taskId: Type.String(), events: Type.Array(EventViewSchema) });
const tags = ['events'];

/** How much of one task's history its timeline returns. */
export const TASK_TIMELINE_MAX = 1000;

/**
 * The event log over HTTP: the activity feed (newest first), replay (`order=asc` from
 * an id) and one task's timeline. The log is what the seed lacked entirely (defect 16).
 */
export function eventRoutes(app: TypedApp, { orchestrator }: RouteContext): void {
  app.get(
    '/events',
    {
      config: { permission: 'read' },
      schema: {
        tags,
        summary: 'The event log, filtered; newest first unless order=asc',
        description: 'Page on with nextCursor: pass it as `before` (order=desc) or `after` (order=asc).',
        querystring: EventListQuery,
        response: {
          200: EventListEnvelope,
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const order = q.order ?? 'desc';
      const limit = q.limit ?? LIMITS.eventPageDefault;
      const events = await orchestrator.listEvents({
        taskId: q.taskId,
        agentId: q.agentId,
        types: parseList(q.type, EVENT_TYPES, 'type'),
        afterId: q.after,
        beforeId: q.before,
        order,
        limit,
      });
      const last = events.at(-1);
      return {
        success: true as const,
        events: events.map(eventView),
        nextCursor: events.length === limit && last !== undefined ? String(last.id) : null,
      };
    },
  );

  app.get(
    '/tasks/:taskId/events',
    {
      config: { permission: 'read' },
      schema: {
        tags,
        summary: "One task's timeline, oldest first",
        params: TaskIdParams,
        response: { 200: TaskEventsEnvelope, ...errorResponses },
      },
    },
    async (request) => {
      const task = await orchestrator.getTask(request.params.taskId);
      const events = await orchestrator.listEvents({ taskId: task.id, order: 'asc', limit: TASK_TIMELINE_MAX });
      return { success: true as const, taskId: task.id, events: events.map(eventView) };
    },
  );
}
