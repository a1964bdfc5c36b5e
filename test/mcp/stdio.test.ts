import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { runCli, startCliServer, type CliServer } from '../cli/cli-harness.js';
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
  let tokenOf: Record<string, string>;
  const clients: Client[] = [];

  beforeAll(async () => {
    server = await startCliServer();
    for (const id of ['stdio-a', 'stdio-b']) await server.client.agents.register({ id, name: id, capabilities: ['go'] });
    const token = async (agentId: string) => (await server.client.tokens.create({ label: agentId, role: 'agent', agentId })).secret;
    tokenOf = { 'stdio-a': await token('stdio-a'), 'stdio-b': await token('stdio-b') };
    // A's agent comes from the token (whoami); B names its own, which agrees with the token.
    agentA = await connectClient(stdioTransport(server.url, tokenOf['stdio-a'] ?? ''));
    agentB = await connectClient(stdioTransport(server.url, tokenOf['stdio-b'] ?? '', 'stdio-b'));
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

  it("--agent that contradicts the token's agent is a usage error (exit 2) before anything is served", async () => {
    const outcome = await runCli(['mcp', '--url', server.url, '--token', tokenOf['stdio-a'] ?? '', '--agent', 'stdio-b']);
    expect(outcome).toMatchObject({ code: 2, stdout: '' });
    expect(outcome.stderr).toBe(
      'error: --agent stdio-b contradicts the token, which is bound to agent stdio-a; ' +
        "drop --agent (the token's agent is used) or pass a token of agent stdio-b\n",
    );
  });

  it('a token the server refuses ends the start with exit 4, not a server whose every tool fails', async () => {
    const outcome = await runCli(['mcp', '--url', server.url, '--token', 'sbt_not-a-token']);
    expect(outcome).toMatchObject({ code: 4, stdout: '' });
    expect(outcome.stderr).toContain('(UNAUTHENTICATED)');
  });
});
