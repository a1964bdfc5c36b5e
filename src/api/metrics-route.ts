import type { FastifyInstance } from 'fastify';
import type { ServerMetrics } from '../metrics/registry.js';

/** Outside /api, where Prometheus looks by default. */
export const METRICS_PATH = '/metrics';
/** The `route` label of a request no route matched (the 404s): one series for all of them, whatever paths clients try. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * `GET /metrics` in the Prometheus text format, behind the `read` permission like every
 * other read (a scraper sends `Authorization: Bearer <token>`), and the hook that times
 * every response by route template, method and status (all but the router's own refusals of
 * malformed URLs, answered through `frameworkErrors` without running hooks). Hidden from the
 * OpenAPI document: it is Prometheus's, not a REST operation with a JSON body for the SDK to
 * wrap. Install it before any route is added, so the hook covers them all and the not-found
 * handler too.
 */
export function metricsRoute(app: FastifyInstance, metrics: ServerMetrics): void {
  // Callback style: an async hook would cost every request a promise for a synchronous observe.
  app.addHook('onResponse', (request, reply, done) => {
    metrics.observeHttp(
      { route: request.routeOptions.url ?? UNMATCHED_ROUTE, method: request.method, status: reply.statusCode },
      reply.elapsedTime / 1_000,
    );
    done();
  });
  app.get(METRICS_PATH, { config: { permission: 'read' }, schema: { hide: true } }, async (_request, reply) =>
    reply.type(metrics.contentType).send(await metrics.render()),
  );
}
