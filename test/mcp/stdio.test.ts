import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { startCliServer, type CliServer } from '../cli/cli-harness.js';
import { ROOT } from '../support/server-process.js';
import { TOOLS } from '../../src/mcp/tools.js';
import { callError, callOk, connectClient, readJson } from './mcp-client.js';

/** `switchboard mcp` as an MCP client spawns it: a child speaking the protocol on stdin/stdout. */
function stdioTransport(url: string, token: string, agentId?: string): StdioClientTransport {
  const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
  return new StdioClientTransport({
    command: process.execPath,
    args: [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'mcp',
      '--url',
      url,
      '--token',
      token,
      ...(agentId === undefined ? [] : ['--agent', agentId]),
    ],
    cwd: ROOT,
    env,
    stderr: 'pipe',
  });
}

describe('MCP over stdio: `switchboard mcp --url --token` in front of a real server', () => {
  let server: CliServer;
  let agentA: Client;
  let agentB: Client;
  const clients: Client[] = [];

  beforeAll(async () => {
    server = await startCliServer();
    for (const id of ['stdio-a', 'stdio-b']) await server.client.agents.register({ id, name: id, capabilities: ['go'] });
    const token = async (agentId: string) => (await server.client.tokens.create({ label: agentId, role: 'agent', agentId })).secret;
    agentA = await connectClient(stdioTransport(server.url, await token('stdio-a'), 'stdio-a'));
    agentB = await connectClient(stdioTransport(server.url, await token('stdio-b'), 'stdio-b'));
    clients.push(agentA, agentB);
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) await c.close();
    await server?.stop();
  });

  it('lists the same tools as /mcp', async () => {
    expect((await agentA.listTools()).tools.map((t) => t.name)).toEqual(TOOLS.map((t) => t.name));
  });

  it("claims, reports progress with log lines, completes; another agent's token is refused", async () => {
    const { task: created } = await server.client.tasks.create({ title: 'Over stdio', requiredCapabilities: ['go'] });
    const { task } = await callOk(agentA, 'claim_task', { waitMs: 1000 });
    expect(task).toMatchObject({ id: created.id, status: 'IN_PROGRESS', agent: 'stdio-a' });
    expect(await callOk(agentA, 'report_progress', { taskId: task.id, progress: 50, lines: [{ text: 'building' }] })).toMatchObject({
      task: { progress: 50 },
      accepted: 1,
    });
    const refused = await callError(agentB, 'complete_task', { taskId: task.id, result: 'not mine' });
    expect(['STALE_LEASE', 'FORBIDDEN']).toContain(refused.code);
    expect((await callOk(agentA, 'complete_task', { taskId: task.id, result: 'built' })).task.status).toBe('COMPLETED');
    const { lines } = await server.client.tasks.logs(task.id);
    expect(lines.map((l) => l.text)).toEqual(['building']);
    expect((await readJson(agentA, `switchboard://tasks/${task.id}`)).task.result).toBe('built');
  });

  it('answers bad arguments as VALIDATION_FAILED and an unknown task as TASK_NOT_FOUND, and keeps serving', async () => {
    expect(await callError(agentA, 'fail_task', { taskId: 'TASK-001' })).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { field: '/reason' },
    });
    expect(await callError(agentA, 'start_task', { taskId: 'TASK-404' })).toMatchObject({ code: 'TASK_NOT_FOUND' });
    expect((await callOk(agentA, 'heartbeat')).agent).toMatchObject({ id: 'stdio-a' });
  });
});
