import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ERROR_META_KEY, type ToolError } from '../../src/mcp/tool-kit.js';
import { TOOLS } from '../../src/mcp/tools.js';
import { OPERATIONS, type OperationName } from '../../src/sdk/operations.js';
import { ROLES, type Permission, type Role } from '../../src/core/access.js';
import { STATUS_OF, expectedFor } from '../support/access-matrix.js';
import { startSecuredServer, type SecuredServer } from '../support/secured-server.js';
import { connectClient, httpTransport } from './mcp-client.js';

/**
 * The role x operation matrix of test/api/role-matrix.test.ts, over MCP: every tool, called
 * by every role, is refused FORBIDDEN exactly when the role lacks the permission of the REST
 * route it calls (read from the OpenAPI document, as the REST matrix reads it), and never
 * refused for want of authority otherwise. A caller that proves no role (no token, a malformed
 * header, an unknown or revoked token) is answered 401 by /mcp itself. Expectations come from
 * test/support/access-matrix.ts, as the REST and Socket.io matrices' do.
 */
const AGENT_ID = 'matrix-agent';

/** The REST operation each tool calls (report_progress calls two with the same permission). */
const ROUTE_OF: Record<string, OperationName> = {
  list_tasks: 'tasks.list',
  get_task: 'tasks.get',
  create_task: 'tasks.create',
  claim_task: 'agents.claim',
  start_task: 'tasks.start',
  report_progress: 'tasks.appendLogs',
  complete_task: 'tasks.complete',
  fail_task: 'tasks.fail',
  release_task: 'tasks.release',
  heartbeat: 'agents.heartbeat',
  recommend_agents: 'tasks.recommendations',
  queue_summary: 'tasks.metrics',
};

describe('role x tool matrix over MCP (Streamable HTTP)', () => {
  let server: SecuredServer;
  let permissions: Map<string, Permission>;
  const clients = new Map<Role, Client>();
  let taskId: string;

  beforeAll(async () => {
    server = await startSecuredServer();
    expect((await server.http('POST', '/api/agents', server.adminSecret, { id: AGENT_ID, name: 'Matrix' })).status).toBe(201);
    taskId = (await server.http('POST', '/api/tasks', server.adminSecret, { title: 'matrix' })).json.task.id;
    const doc = (await server.http('GET', '/api/openapi.json', null)).json as {
      paths: Record<string, Record<string, { 'x-permission': Permission }>>;
    };
    permissions = new Map(
      Object.entries(ROUTE_OF).map(([tool, operation]) => {
        const { method, path } = OPERATIONS[operation];
        return [tool, doc.paths[path]![method.toLowerCase()]!['x-permission']];
      }),
    );
    for (const role of ROLES) {
      const { secret } = await server.tokens.issue({ label: role, role, agentId: role === 'agent' ? AGENT_ID : null });
      clients.set(role, await connectClient(httpTransport(server.url, secret)));
    }
  });

  afterAll(async () => {
    for (const client of clients.values()) await client.close();
    await server?.close();
  });

  it('maps every tool to the REST route it calls', () => {
    expect(Object.keys(ROUTE_OF).sort()).toEqual(TOOLS.map((t) => t.name).sort());
  });

  it('answers every role on every tool exactly as REST would', async () => {
    const argsOf: Record<string, Record<string, unknown>> = {
      list_tasks: {},
      get_task: { taskId },
      create_task: { title: 'made over MCP' },
      claim_task: { agentId: AGENT_ID },
      start_task: { taskId },
      report_progress: { taskId, note: 'matrix' },
      complete_task: { taskId },
      fail_task: { taskId, reason: 'matrix' },
      release_task: { taskId },
      heartbeat: { agentId: AGENT_ID },
      recommend_agents: { taskId },
      queue_summary: {},
    };
    const wrong: string[] = [];
    for (const tool of TOOLS) {
      for (const role of ROLES) {
        const result = (await clients.get(role)!.callTool({ name: tool.name, arguments: argsOf[tool.name] })) as CallToolResult;
        const code = result.isError === true ? (result._meta?.[ERROR_META_KEY] as ToolError).code : 'ok';
        const expected = expectedFor({ role, anonymous: false }, permissions.get(tool.name)!);
        const ok = expected === 'allowed' ? code !== 'FORBIDDEN' && code !== 'UNAUTHENTICATED' && code !== 'INTERNAL' : code === expected;
        if (!ok) wrong.push(`${role} ${tool.name}: ${code} (expected ${expected})`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('answers every caller that proves no role on /mcp as REST does: 401 UNAUTHENTICATED', async () => {
    const revoked = await server.tokens.issue({ label: 'revoked', role: 'admin' });
    await server.tokens.revoke(revoked.token.id);
    const callers: Record<string, Record<string, string>> = {
      'no token': {},
      'malformed header': { authorization: 'Basic bm90OmJlYXJlcg==' },
      'unknown token': { authorization: 'Bearer sbt_nope' },
      'revoked token': { authorization: `Bearer ${revoked.secret}` },
    };
    const expected = expectedFor({ role: null, anonymous: false }, 'read');
    if (expected === 'allowed') throw new Error('a caller proving no role was allowed by the table');
    for (const [caller, headers] of Object.entries(callers)) {
      const res = await fetch(`${server.url}/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: {} }),
      });
      const rest = await fetch(`${server.url}/api/tasks`, { headers });
      expect({ caller, mcp: res.status, code: ((await res.json()) as { code: string }).code, rest: rest.status }).toEqual({
        caller,
        mcp: STATUS_OF[expected],
        code: expected,
        rest: STATUS_OF[expected],
      });
    }
  });
});
