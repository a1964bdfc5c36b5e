import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { startSecuredServer, type SecuredServer } from '../support/secured-server.js';
import { TOOLS } from '../../src/mcp/tools.js';
import { callError, callOk, connectClient, httpTransport, readJson } from './mcp-client.js';

describe('MCP over Streamable HTTP at /mcp (the SDK client against a real server)', () => {
  let server: SecuredServer;
  let agentA: Client;
  let agentB: Client;
  let operator: Client;
  const clients: Client[] = [];

  beforeAll(async () => {
    server = await startSecuredServer();
    for (const id of ['mcp-a', 'mcp-b']) {
      const res = await server.http('POST', '/api/agents', server.adminSecret, { id, name: id, capabilities: ['typescript'] });
      expect(res.status).toBe(201);
    }
    const token = async (role: 'agent' | 'operator', agentId?: string) =>
      (await server.tokens.issue({ label: `mcp ${role}`, role, agentId: agentId ?? null })).secret;
    agentA = await connectClient(httpTransport(server.url, await token('agent', 'mcp-a')));
    agentB = await connectClient(httpTransport(server.url, await token('agent', 'mcp-b')));
    operator = await connectClient(httpTransport(server.url, await token('operator')));
    clients.push(agentA, agentB, operator);
  });

  afterAll(async () => {
    for (const c of clients) await c.close();
    await server?.close();
  });

  it('lists every tool with an input and an output schema', async () => {
    const { tools } = await agentA.listTools();
    expect(tools.map((t) => t.name)).toEqual(TOOLS.map((t) => t.name));
    for (const tool of tools) {
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.outputSchema?.type).toBe('object');
    }
  });

  it('claims, reports progress with a note and log lines, and completes; the log and the timeline show it', async () => {
    const { task: created } = await callOk(operator, 'create_task', { title: 'MCP walk', requiredCapabilities: ['typescript'] });
    const { task } = await callOk(agentA, 'claim_task', {});
    expect(task).toMatchObject({ id: created.id, status: 'IN_PROGRESS', agent: 'mcp-a' });

    const progressed = await callOk(agentA, 'report_progress', {
      taskId: task.id,
      progress: 40,
      note: 'halfway there',
      lines: [{ text: 'npm test: 3 passed' }, { text: 'warning: slow', stream: 'stderr' }],
      leaseToken: task.leaseToken,
    });
    expect(progressed).toMatchObject({ task: { progress: 40 }, accepted: 3, dropped: 0 });
    const logs = await server.http('GET', `/api/tasks/${task.id}/logs`, server.adminSecret);
    expect(logs.json.lines.map((l: { text: string; stream: string }) => [l.stream, l.text])).toEqual([
      ['system', 'halfway there'],
      ['stdout', 'npm test: 3 passed'],
      ['stderr', 'warning: slow'],
    ]);

    const done = await callOk(agentA, 'complete_task', { taskId: task.id, result: { summary: 'done' }, leaseToken: task.leaseToken });
    expect(done.task).toMatchObject({ status: 'COMPLETED', result: { summary: 'done' } });

    const body = await readJson(agentA, `switchboard://tasks/${task.id}`);
    expect(body.task.status).toBe('COMPLETED');
    expect(body.events.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['task.created', 'task.completed']));
  });

  it("refuses an agent token reporting on another agent's task, with REST's code", async () => {
    await callOk(operator, 'create_task', { title: 'Held by A', requiredCapabilities: ['typescript'] });
    const { task } = await callOk(agentA, 'claim_task', {});
    const refused = await callError(agentB, 'complete_task', { taskId: task.id, result: 'not mine' });
    expect(['STALE_LEASE', 'FORBIDDEN']).toContain(refused.code);
    const claimAsA = await callError(agentB, 'claim_task', { agentId: 'mcp-a' });
    expect(claimAsA.code).toBe('FORBIDDEN');
    const resource = await agentA.listResources();
    expect(resource.resources.map((r) => r.uri)).toEqual(['switchboard://agents/mcp-a/tasks']);
    const mine = await readJson(agentA, 'switchboard://agents/mcp-a/tasks');
    expect(mine.tasks.map((t: { id: string }) => t.id)).toContain(task.id);
    await callOk(agentA, 'release_task', { taskId: task.id, reason: 'end of test' });
  });

  it('answers bad arguments as VALIDATION_FAILED errors naming the field, and keeps serving', async () => {
    expect(await callError(agentA, 'get_task', {})).toMatchObject({ code: 'VALIDATION_FAILED', details: { field: '/taskId' } });
    expect(await callError(agentA, 'report_progress', { taskId: 'TASK-001', progress: 'lots' })).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { field: '/progress' },
    });
    expect(await callError(agentA, 'claim_task', { waitMs: 999_999 })).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await callError(operator, 'claim_task', {})).toMatchObject({ code: 'VALIDATION_FAILED', details: { field: '/agentId' } });
    expect(await callError(agentA, 'get_task', { taskId: 'TASK-999' })).toMatchObject({ code: 'TASK_NOT_FOUND' });
    await expect(agentA.callTool({ name: 'no_such_tool', arguments: {} })).rejects.toThrow(/Unknown tool/);
    await expect(agentA.readResource({ uri: 'switchboard://tasks/TASK-999' })).rejects.toThrow(/TASK_NOT_FOUND/);
    expect((await callOk(agentA, 'queue_summary')).metrics.totalTasks).toBeGreaterThan(0);
  });

  it('answers 401 on /mcp without a token when anonymous access is off, and 405 to GET', async () => {
    const res = await fetch(`${server.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(connectClient(httpTransport(server.url, 'not-a-token'))).rejects.toThrow();
    expect((await fetch(`${server.url}/mcp`)).status).toBe(405);
  });
});
