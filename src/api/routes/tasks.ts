import { Type, type Static } from '@fastify/type-provider-typebox';
import { normaliseCapability } from '../../core/capabilities.js';
import { ValidationError } from '../../core/errors.js';
import {
  PRIORITIES,
  TASK_STATUSES,
  type NewTaskInput,
  type Priority,
  type Task,
  type TaskPatch,
  type TaskStatus,
} from '../../core/task.js';
import type { TaskPage } from '../../services/types.js';
import { DEFAULT_TASK_SORT, TASK_SORT_KEYS, type TaskSort } from '../../core/task-order.js';
import { actorOf, parseList, type RouteContext, type TypedApp } from '../route-context.js';
import {
  CandidateSchema,
  CreateTaskBody,
  LIMITS,
  PatchTaskBody,
  TaskEnvelope,
  TaskIdParams,
  TaskListQuery,
  TaskViewSchema,
  errorResponses,
  ok,
} from '../schemas.js';
import { storedId } from '../idempotency.js';
import { taskView } from '../views.js';

/** GET /api/tasks (and the seed's by-status and by-priority lists, which add the filter they echo). */
export const TaskList = ok({
  tasks: Type.Array(TaskViewSchema),
  count: Type.Integer({ description: 'Tasks on this page.' }),
  total: Type.Integer({ description: 'Tasks matching the filters, on every page (independent of cursor and limit).' }),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as cursor, with the same sort, for the next page.' }),
});
/** GET /api/tasks/status/:status: the page, with the status echoed as sent. */
export const TasksByStatusEnvelope = ok({ status: Type.String(), ...TaskList.properties });
/** GET /api/tasks/priority/:priority: the page, with the priority echoed as sent. */
export const TasksByPriorityEnvelope = ok({ priority: Type.String(), ...TaskList.properties });
/** GET /api/tasks/:taskId/recommendations. */
export const RecommendationsEnvelope = ok({
  taskId: Type.String(),
  candidates: Type.Array(CandidateSchema),
  blockedBy: Type.Union([Type.String(), Type.Null()]),
});
/** The Idempotency-Key header the creates honour. */
export const IdempotencyHeaders = Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255 })) });
const tags = ['tasks'];

/**
 * Task resources: the seed's reads (list, by status, by priority, by id) and the CRUD it
 * lacked (create, patch, recommendations). Actions on a task live in task-actions.ts.
 */
export function taskRoutes(app: TypedApp, { orchestrator, creates }: RouteContext): void {
  app.get(
    '/tasks',
    {
      config: { permission: 'read' },
      schema: {
        tags,
        summary: 'List tasks, filtered, sorted and paginated, with the total matching',
        description:
          'sort = created (default), priority, deadline or updated; -key reverses. total counts every task matching ' +
          'the filters; nextCursor resumes the same sort only.',
        querystring: TaskListQuery,
        response: { 200: TaskList, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await orchestrator.listTasks({
        status: parseList(q.status, TASK_STATUSES, 'status'),
        priority: parseList(q.priority, PRIORITIES, 'priority'),
        agent: q.agent,
        capability: q.capability === undefined ? undefined : normaliseCapability(q.capability),
        label: q.label,
        text: q.q === undefined || q.q.trim() === '' ? undefined : q.q.trim(),
        sort: parseSort(q.sort),
        cursor: q.cursor,
        limit: q.limit ?? LIMITS.taskPageDefault,
      });
      return { success: true as const, ...pageView(page) };
    },
  );

  app.get(
    '/tasks/status/:status',
    {
      config: { permission: 'read' },
      schema: {
        tags,
        summary: 'Tasks in one status (seed route; any case, echoed as sent)',
        params: Type.Object({ status: Type.String({ minLength: 1, maxLength: 32 }) }),
        response: { 200: TasksByStatusEnvelope, ...errorResponses },
      },
    },
    async (request) => {
      const status = oneOf<TaskStatus>(request.params.status, TASK_STATUSES, 'status');
      const page = await orchestrator.listTasks({ status: [status], limit: LIMITS.taskPageMax });
      return { success: true as const, status: request.params.status, ...pageView(page) };
    },
  );

  app.get(
    '/tasks/priority/:priority',
    {
      config: { permission: 'read' },
      schema: {
        tags,
        summary: 'Tasks of one priority (seed route; any case, echoed as sent)',
        params: Type.Object({ priority: Type.String({ minLength: 1, maxLength: 8 }) }),
        response: { 200: TasksByPriorityEnvelope, ...errorResponses },
      },
    },
    async (request) => {
      const priority = oneOf<Priority>(request.params.priority, PRIORITIES, 'priority');
      const page = await orchestrator.listTasks({ priority: [priority], limit: LIMITS.taskPageMax });
      return { success: true as const, priority: request.params.priority, ...pageView(page) };
    },
  );

  app.get(
    '/tasks/:taskId',
    {
      config: { permission: 'read' },
      schema: { tags, summary: 'One task', params: TaskIdParams, response: { 200: TaskEnvelope, ...errorResponses } },
    },
    async (request) => ({ success: true as const, task: taskView(await orchestrator.getTask(request.params.taskId)) }),
  );

  app.post(
    '/tasks',
    {
      config: { permission: 'tasks:write' },
      schema: {
        tags,
        summary: 'Create a task (honours Idempotency-Key)',
        headers: IdempotencyHeaders,
        body: CreateTaskBody,
        response: { 201: TaskEnvelope, ...errorResponses },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const created = (task: Task) => ({ statusCode: 201, body: { success: true as const, task: taskView(task) } });
      return creates.run(request, reply, actor, {
        create: async (claim) => created(await orchestrator.createTask(newTaskInput(request.body), actor, claim)),
        replay: async (stored) => created(await orchestrator.getTask(storedId(stored, 'taskId'))),
      });
    },
  );

  app.patch(
    '/tasks/:taskId',
    {
      config: { permission: 'tasks:write' },
      schema: {
        tags,
        summary: 'Edit a task that has not ended (capabilities and dependencies only while it waits)',
        params: TaskIdParams,
        body: PatchTaskBody,
        response: { 200: TaskEnvelope, ...errorResponses },
      },
    },
    async (request) => {
      const task = await orchestrator.updateTask(request.params.taskId, taskPatch(request.body), actorOf(request));
      return { success: true as const, task: taskView(task) };
    },
  );

  app.get(
    '/tasks/:taskId/recommendations',
    {
      config: { permission: 'read' },
      schema: {
        tags,
        summary: 'Ranked agents for a task, with every score term, or why none can take it',
        params: TaskIdParams,
        response: {
          200: RecommendationsEnvelope,
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const recommendation = await orchestrator.recommend(request.params.taskId);
      return { success: true as const, ...recommendation };
    },
  );
}

function pageView(page: TaskPage) {
  return {
    tasks: page.tasks.map(taskView),
    count: page.tasks.length,
    total: page.total,
    nextCursor: page.nextCursor,
  };
}

/** `-deadline` -> deadline, descending; the schema already allowed only known keys. */
function parseSort(raw: Static<typeof TaskListQuery>['sort']): TaskSort {
  if (raw === undefined) return DEFAULT_TASK_SORT;
  const key = TASK_SORT_KEYS.find((k) => k === raw.replace(/^-/, ''));
  if (key === undefined) throw new ValidationError(`Invalid sort "${raw}"`, { field: '/sort' });
  return { key, direction: raw.startsWith('-') ? 'desc' : 'asc' };
}

/** The seed matched `param.toUpperCase()`; an unknown value is a 400 rather than an empty list. */
function oneOf<T extends string>(raw: string, allowed: readonly T[], field: string): T {
  const match = allowed.find((a) => a === raw.toUpperCase());
  if (match === undefined)
    throw new ValidationError(`Invalid ${field} "${raw}": expected one of ${allowed.join(', ')}`, { field: `/${field}` });
  return match;
}

function newTaskInput(body: Static<typeof CreateTaskBody>): NewTaskInput {
  const title = body.title ?? body.name;
  if (title === undefined) throw new ValidationError('Invalid body: title (or name) is required', { field: '/title', location: 'body' });
  return {
    title: title.trim(),
    description: body.description,
    priority: body.priority,
    requiredCapabilities: body.requiredCapabilities,
    preferredCapabilities: body.preferredCapabilities,
    dependsOn: body.dependsOn,
    labels: body.labels,
    eta: body.eta,
    slaDeadline: body.slaDeadline === undefined ? undefined : deadlineOf(body.slaDeadline),
    maxAttempts: body.maxAttempts,
  };
}

function taskPatch(body: Static<typeof PatchTaskBody>): TaskPatch {
  const patch: TaskPatch = {};
  const title = body.title ?? body.name;
  if (title !== undefined) patch.title = title.trim();
  if (body.description !== undefined) patch.description = body.description;
  if (body.priority !== undefined) patch.priority = body.priority;
  if (body.requiredCapabilities !== undefined) patch.requiredCapabilities = body.requiredCapabilities;
  if (body.preferredCapabilities !== undefined) patch.preferredCapabilities = body.preferredCapabilities;
  if (body.labels !== undefined) patch.labels = body.labels;
  if (body.eta !== undefined) patch.eta = body.eta;
  if (body.slaDeadline !== undefined) patch.slaDeadline = deadlineOf(body.slaDeadline);
  if (body.maxAttempts !== undefined) patch.maxAttempts = body.maxAttempts;
  if (body.dependsOn !== undefined) patch.dependsOn = body.dependsOn;
  return patch;
}

/**
 * RFC 3339 (and so the schema's date-time format) allows a leap second, `23:59:60`, which
 * a JS time cannot hold: Date.parse gives NaN, which neither store can keep (it was a 500).
 */
function deadlineOf(text: string): number {
  const at = Date.parse(text);
  if (!Number.isFinite(at)) {
    throw new ValidationError(`Invalid body: /slaDeadline ${JSON.stringify(text)} is not a time the server can represent`, {
      field: '/slaDeadline',
      location: 'body',
    });
  }
  return at;
}
