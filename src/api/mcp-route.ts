import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { FastifyInstance } from 'fastify';
import { createMcpServer } from '../mcp/mcp-server.js';
import { createClient } from '../sdk/index.js';
import { principalOf } from './auth-hook.js';

/** Where the Streamable HTTP transport of the MCP server answers, on the API's own port. */
export const MCP_PATH = '/mcp';

/**
 * MCP over Streamable HTTP at {@link MCP_PATH}, stateless: each POST gets its own MCP server
 * and transport, and nothing outlives the request, so any node behind a load balancer can
 * answer any call (no session id to pin). The auth hook has already turned the bearer token
 * into a principal through the shared AuthenticationService (`permission: 'read'`, which every
 * role holds: what each tool may do is decided per call). Each tool then calls the REST
 * routes of this very app through the SDK, with the caller's own `Authorization` header and
 * address, via `inject` (no socket): the same validation, role checks and agent binding as
 * REST, because it is REST (ADR 0009). GET (a server-initiated stream) and DELETE (ending a
 * session) mean nothing without sessions and answer 405, as the transport's spec allows.
 */
export function mcpRoute(app: FastifyInstance): void {
  app.post(MCP_PATH, { config: { permission: 'read' }, schema: { hide: true } }, async (request, reply) => {
    const principal = principalOf(request);
    const authorization = request.headers.authorization;
    const client = createClient({ url: 'http://in-process', fetch: injectFetch(app, authorization, request.ip) });
    const server = createMcpServer({ client, agentId: principal.agentId });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    reply.hijack();
    reply.raw.on('close', () => {
      void transport.close();
      void server.close();
    });
    try {
      await server.connect(transport);
      await transport.handleRequest(request.raw, reply.raw, request.body);
    } catch (err) {
      request.log.error({ err }, 'MCP request failed');
      if (!reply.raw.headersSent) {
        reply.raw.writeHead(500, { 'content-type': 'application/json' });
        reply.raw.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal error' }, id: null }));
      }
    }
  });
  const notAllowed = { config: { permission: 'public' as const }, schema: { hide: true } };
  for (const method of ['GET', 'DELETE'] as const) {
    app.route({
      ...notAllowed,
      method,
      url: MCP_PATH,
      handler: async (_request, reply) =>
        reply
          .code(405)
          .header('allow', 'POST')
          .send({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed: this server is stateless, POST only' }, id: null }),
    });
  }
}

/**
 * A `fetch` answered by `app.inject`: the SDK's requests reach the routes in process, as the
 * caller (its Authorization header; its address, so the failure limiter and logs see the
 * caller, not loopback). Nothing else of the caller's request is forwarded.
 */
function injectFetch(app: FastifyInstance, authorization: string | undefined, remoteAddress: string): typeof fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const headers = new Headers(init?.headers);
    headers.delete('authorization');
    if (authorization !== undefined) headers.set('authorization', authorization);
    const answer = await app.inject({
      method: (init?.method ?? 'GET') as 'GET',
      url: url.pathname + url.search,
      headers: Object.fromEntries(headers),
      remoteAddress,
      ...(typeof init?.body === 'string' ? { payload: init.body } : {}),
    });
    const body = answer.statusCode === 204 || answer.body === '' ? null : answer.body;
    return new Response(body, { status: answer.statusCode, headers: { 'content-type': String(answer.headers['content-type'] ?? '') } });
  };
}
