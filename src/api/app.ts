import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { TypeBoxValidatorCompiler, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { Clock } from '../core/clock.js';
import type { Authenticator, Role } from '../services/auth.js';
import { AuthenticationService } from '../services/authentication.js';
import { trustFunction, type TrustProxy } from '../services/trust-proxy.js';
import { systemClock } from '../services/system-clock.js';
import type { NotificationService } from '../notifications/service.js';
import type { OrchestratorApi } from '../services/types.js';
import { installAuth } from './auth-hook.js';
import { handleError, routeNotFound } from './errors.js';
import { IdempotentCreates } from './idempotency.js';
import { installInputGuard } from './input-guard.js';
import { mcpRoute } from './mcp-route.js';
import { metricsRoute } from './metrics-route.js';
import type { ServerMetrics } from '../metrics/registry.js';
import type { RouteContext } from './route-context.js';
import { agentRoutes } from './routes/agents.js';
import { eventRoutes } from './routes/events.js';
import { notificationRoutes } from './routes/notifications.js';
import { taskActionRoutes } from './routes/task-actions.js';
import { taskLogRoutes } from './routes/task-logs.js';
import { taskRoutes } from './routes/tasks.js';
import { systemRoutes } from './routes/system.js';
import { tokenRoutes, type TokenAdmin } from './routes/tokens.js';
import { whoamiRoutes } from './routes/whoami.js';

/** Version of the REST contract in the OpenAPI document (not the package version). */
export const API_VERSION = '1.0.0';
/** Swagger UI lives under /api so one reverse-proxy rule covers the whole API. */
export const API_DOCS_PATH = '/api/docs';

/** What buildApp needs; main.ts builds every piece, tests pass their own. */
export interface AppDeps {
  orchestrator: OrchestratorApi;
  authenticator: Authenticator;
  /** Role of a request without a token; `none` makes every protected route answer 401. */
  anonymousRole: Role | 'none';
  bodyLimitBytes: number;
  /** Fastify's logger option: false (default) for silence, true or pino options to log. */
  logger?: FastifyServerOptions['logger'];
  /** Folder of the built dashboard (web/dist), served at `/` with an SPA fallback; null when not built. */
  webRoot?: string | null;
  /** Token administration (admin routes under /api/tokens); omitted, those routes are absent. */
  tokens?: TokenAdmin;
  /** Time for rate-limit windows and health timestamps. Defaults to the wall clock. */
  clock?: Clock;
  /**
   * The authentication every transport shares (main.ts passes the one the gateway uses,
   * so failures are counted once); omitted, one is built from `authenticator` and
   * `anonymousRole` for this app alone.
   */
  authentication?: AuthenticationService;
  /** Which peers' `X-Forwarded-For` sets `request.ip` (SWITCHBOARD_TRUST_PROXY); default none. */
  trustProxy?: TrustProxy;
  /** Prometheus metrics: served at /metrics and fed by an HTTP timing hook; omitted (SWITCHBOARD_METRICS=off), neither exists. */
  metrics?: ServerMetrics;
  /** Channels and deliveries (routes under /api/notifications); omitted, those routes are absent. */
  notifications?: NotificationService;
}

/**
 * Builds the HTTP API without listening (style rule 13): main.ts calls `listen()`,
 * tests call `inject()`. Route schemas drive validation, the handlers' types and the
 * OpenAPI document (`GET /api/openapi.json`, Swagger UI at `/api/docs`).
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const clock = deps.clock ?? systemClock;
  const trustProxy = deps.trustProxy ?? false;
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: deps.bodyLimitBytes,
    // A malformed percent-encoding or an over-long path parameter is refused by the router
    // before any route runs; without this Fastify answers in its own shape, with no `success`.
    frameworkErrors: handleError,
    // The same function the gateway applies to handshakes: one rule for both transports.
    ...(trustProxy === false ? {} : { trustProxy: trustFunction(trustProxy) }),
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  // Schemas document and type responses; JSON.stringify sends views exactly as built.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.setErrorHandler(handleError);
  acceptEmptyBodies(app);
  installInputGuard(app);
  installAuth(
    app,
    deps.authentication ?? new AuthenticationService({ authenticator: deps.authenticator, anonymousRole: deps.anonymousRole, clock }),
  );
  if (deps.metrics !== undefined) metricsRoute(app, deps.metrics);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Switchboard API',
        version: API_VERSION,
        description: 'Task orchestration for AI coding agents and humans. Errors: { success: false, error, code, details? }.',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearerAuth: [] }],
    },
    // Each operation states the permission it checks (`x-permission`, see src/core/access.ts),
    // so clients, the docs and the role-matrix test read who may call it from the document.
    transform: ({ schema, url, route }) => ({ schema: { ...schema, 'x-permission': route.config?.permission } as typeof schema, url }),
  });
  await app.register(fastifySwaggerUi, { routePrefix: API_DOCS_PATH });

  const ctx: RouteContext = {
    orchestrator: deps.orchestrator,
    creates: new IdempotentCreates((key) => deps.orchestrator.idempotentResult(key)),
  };
  await app.register(
    async (api) => {
      const typed = api.withTypeProvider<TypeBoxTypeProvider>();
      systemRoutes(typed, ctx, clock);
      taskRoutes(typed, ctx);
      taskActionRoutes(typed, ctx);
      taskLogRoutes(typed, ctx);
      agentRoutes(typed, ctx);
      eventRoutes(typed, ctx);
      whoamiRoutes(typed, ctx);
      if (deps.tokens !== undefined) tokenRoutes(typed, deps.tokens);
      if (deps.notifications !== undefined) notificationRoutes(typed, deps.notifications);
    },
    { prefix: '/api' },
  );
  mcpRoute(app);

  const webRoot = deps.webRoot ?? null;
  if (webRoot !== null) {
    await app.register(fastifyStatic, { root: webRoot, prefix: '/', wildcard: true });
  } else {
    app.get('/', { config: { permission: 'public' }, schema: { hide: true } }, async (_request, reply) =>
      reply.type('text/html; charset=utf-8').send(DASHBOARD_NOT_BUILT_HTML),
    );
  }
  app.setNotFoundHandler((request, reply) => notFound(request, reply, webRoot));
  return app;
}

/** Resolves the built dashboard folder, or null when `web/dist/index.html` does not exist. */
export function findWebRoot(projectRoot: string): string | null {
  const dist = join(projectRoot, 'web', 'dist');
  return existsSync(join(dist, 'index.html')) ? dist : null;
}

/**
 * The seed's dashboard posts with no body and no content type; some clients send
 * `Content-Type: application/json` with an empty body. Both reach the handler as `{}`,
 * so optional bodies validate and required fields are reported by name.
 */
function acceptEmptyBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') done(null, undefined);
    else parseJson(request, text, done);
  });
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined && (request.method === 'POST' || request.method === 'PUT' || request.method === 'PATCH'))
      request.body = {};
  });
}

/**
 * Unknown `/api` routes answer the JSON 404 (seed defect 13). Other GETs are dashboard
 * routes: with a built dashboard, paths without a file extension get index.html so the
 * SPA can route them; everything else is the JSON 404 too.
 */
function notFound(request: FastifyRequest, reply: FastifyReply, webRoot: string | null): void {
  const path = request.url.split('?')[0] ?? request.url;
  const isApi = path === '/api' || path.startsWith('/api/');
  const isPage = (request.method === 'GET' || request.method === 'HEAD') && !/\.[a-z0-9]+$/i.test(path);
  if (!isApi && webRoot !== null && isPage) {
    void reply.type('text/html; charset=utf-8').sendFile('index.html');
    return;
  }
  const { statusCode, body } = routeNotFound(request.method, request.url);
  void reply.code(statusCode).send(body);
}

const DASHBOARD_NOT_BUILT_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Switchboard</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto">
<h1>Switchboard is running</h1>
<p>The dashboard is not built (no <code>web/dist/index.html</code>). Build it to see it here.</p>
<p>The API is at <a href="/api/tasks">/api/tasks</a>; its documentation at <a href="${API_DOCS_PATH}">${API_DOCS_PATH}</a>.</p>
</body></html>
`;
