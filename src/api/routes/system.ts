import { Type } from '@fastify/type-provider-typebox';
import { PRIORITIES, TASK_STATUSES } from '../../core/task.js';
import type { DelegationReport } from '../../services/types.js';
import { HTTP_STATUS } from '../errors.js';
import type { RouteContext, TypedApp } from '../route-context.js';
import { ErrorSchema, TaskStatusSchema, errorResponses, ok } from '../schemas.js';

const counts = <T extends readonly string[]>(keys: T) =>
  Type.Object(Object.fromEntries(keys.map((k) => [k, Type.Integer()])) as Record<T[number], ReturnType<typeof Type.Integer>>);

/** The seed's four counts plus the breakdowns the dashboard and scaling signals need. */
export const MetricsSchema = Type.Object(
  {
    totalTasks: Type.Integer(),
    completedTasks: Type.Integer(),
    failedTasks: Type.Integer(),
    activeAgents: Type.Integer(),
    byStatus: counts(TASK_STATUSES),
    byPriority: counts(PRIORITIES),
    agents: Type.Integer(),
    slaAtRisk: Type.Integer(),
    slaViolated: Type.Integer(),
  },
  { title: 'Metrics' },
);

/** The seed's delegation report, with the buckets it lacked (seed defect 11). */
export const ReportSchema = Type.Object(
  {
    summary: Type.Object({
      totalTasks: Type.Integer(),
      completed: Type.Integer(),
      inProgress: Type.Integer(),
      pending: Type.Integer(),
      failed: Type.Integer(),
      assigned: Type.Integer(),
      blocked: Type.Integer(),
      cancelled: Type.Integer(),
    }),
    tasksByPriority: counts(PRIORITIES),
    agents: Type.Array(
      Type.Object({
        id: Type.String(),
        name: Type.String(),
        status: Type.String(),
        currentLoad: Type.String(),
        reliability: Type.String(),
      }),
    ),
    recentActivity: Type.Array(
      Type.Object({
        id: Type.String(),
        name: Type.String(),
        status: TaskStatusSchema,
        agent: Type.Union([Type.String(), Type.Null()]),
        timestamp: Type.String({ format: 'date-time' }),
        event: Type.String(),
      }),
    ),
  },
  { title: 'DelegationReport' },
);

/** GET /api/health: 200 healthy, 503 when the store is unreachable (same shape). */
export const HealthSchema = Type.Object({
  success: Type.Boolean(),
  status: Type.Enum(['healthy', 'unhealthy']),
  timestamp: Type.String({ format: 'date-time' }),
  services: Type.Object({ store: Type.Boolean() }),
  error: Type.Optional(Type.String()),
  code: Type.Optional(ErrorSchema.properties.code),
});

/** The seed rendered report times as ISO strings; the service returns epoch ms. */
export function reportView(report: DelegationReport) {
  return { ...report, recentActivity: report.recentActivity.map((a) => ({ ...a, timestamp: new Date(a.timestamp).toISOString() })) };
}

/**
 * Health, metrics, the delegation report and the OpenAPI document. Metrics answer on
 * both `/api/tasks/metrics` (documented by the seed) and `/api/tasks/api/metrics` (where
 * the seed actually mounted it: seed defect 14), from the same counts as the report
 * (defect 11).
 */
export function systemRoutes(app: TypedApp, { orchestrator }: RouteContext, clock: { now(): number }): void {
  app.get(
    '/health',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['system'],
        summary: 'Liveness and store reachability (seed fields kept)',
        response: { 200: HealthSchema, 503: HealthSchema },
      },
    },
    async (request, reply) => {
      const timestamp = new Date(clock.now()).toISOString();
      try {
        await orchestrator.listEvents({ order: 'desc', limit: 1 });
        return { success: true, status: 'healthy' as const, timestamp, services: { store: true } };
      } catch (err) {
        request.log.warn({ err }, 'health check: store unreachable');
        void reply.code(HTTP_STATUS.STORE_UNAVAILABLE as 503);
        return {
          success: false,
          status: 'unhealthy' as const,
          timestamp,
          services: { store: false },
          error: 'Store unavailable',
          code: 'STORE_UNAVAILABLE' as const,
        };
      }
    },
  );

  for (const url of ['/tasks/metrics', '/tasks/api/metrics']) {
    app.get(
      url,
      {
        config: { permission: 'read' },
        schema: {
          tags: ['reports'],
          summary: url === '/tasks/metrics' ? 'Counts of tasks and agents' : "Alias of /api/tasks/metrics (the seed's actual path)",
          response: { 200: ok({ metrics: MetricsSchema }), ...errorResponses },
        },
      },
      async () => ({ success: true as const, metrics: await orchestrator.metrics() }),
    );
  }

  app.get(
    '/tasks/report/delegation',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['reports'],
        summary: "The seed dashboard's delegation report",
        response: { 200: ok({ report: ReportSchema }), ...errorResponses },
      },
    },
    async () => ({ success: true as const, report: reportView(await orchestrator.delegationReport()) }),
  );

  app.get('/openapi.json', { config: { permission: 'public' }, schema: { hide: true } }, async () => app.swagger());
}
