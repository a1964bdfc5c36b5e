import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { createTestSchema, describePg, pgTestUrl } from '../../src/storage/postgres/test-database.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { callError, callOk, connectClient, httpTransport } from './mcp-client.js';

/**
 * MCP is many-node safe (issue 8): two server processes on one PostgreSQL schema, as behind a
 * load balancer, and an agent's MCP calls land on either. Nothing of a call may depend on
 * which node answered an earlier one: no session id, no per-node memory of the claim.
 */
const { schema, dropSchema } = createTestSchema();
const servers: ServerProcess[] = [];
const clients: Client[] = [];
const AGENT_ID = 'two-node-agent';

afterAll(async () => {
  for (const client of clients) await client.close();
  await Promise.all(servers.map((s) => s.stop()));
  await dropSchema();
});

async function startNode(): Promise<ServerProcess> {
  const url = new URL(pgTestUrl());
  url.searchParams.set('options', `-c search_path=${schema}`);
  // No anonymous role: only the bearer token says who calls, on both nodes.
  const server = await startServerProcess({
    DATABASE_URL: url.toString(),
    SWITCHBOARD_DISPATCH: 'manual',
    SWITCHBOARD_ANONYMOUS_ROLE: 'none',
  });
  servers.push(server);
  return server;
}

/** A transport whose every request goes to the next node in turn: a round-robin load balancer in front of /mcp. */
function roundRobinTransport(bases: string[], token: string): StreamableHTTPClientTransport & { hits: Map<string, number> } {
  let next = 0;
  const hits = new Map<string, number>();
  const transport = new StreamableHTTPClientTransport(new URL('/mcp', bases[0]), {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
    fetch: (input, init) => {
      const base = bases[next++ % bases.length] ?? '';
      hits.set(base, (hits.get(base) ?? 0) + 1);
      const url = new URL(input instanceof Request ? input.url : String(input));
      return fetch(new URL(url.pathname + url.search, base), init);
    },
  });
  return Object.assign(transport, { hits });
}

await describePg('MCP on two server nodes sharing one PostgreSQL database', () => {
  it('an agent claims on node A and reports and completes on node B with the same token: no per-node session state', async () => {
    const admin = new pg.Client({ connectionString: pgTestUrl() });
    await admin.connect();
    await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await admin.end();
    const a = await startNode();
    const b = await startNode();
    const adminSecret = /sbt_[A-Za-z0-9_-]+/.exec(a.output())?.[0];
    if (adminSecret === undefined) throw new Error(`node A printed no admin token:\n${a.output()}`);
    const asAdmin = async (base: string, method: string, path: string, body?: unknown) => {
      const res = await fetch(base + path, {
        method,
        headers: { authorization: `Bearer ${adminSecret}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, json: (await res.json()) as any };
    };

    expect(
      (await asAdmin(a.baseUrl, 'POST', '/api/agents', { id: AGENT_ID, name: 'Two nodes', capabilities: ['typescript'] })).status,
    ).toBe(201);
    const minted = await asAdmin(b.baseUrl, 'POST', '/api/tokens', { label: 'two nodes', role: 'agent', agentId: AGENT_ID });
    expect(minted.status).toBe(201);
    const agentToken = minted.json.secret as string;
    const created = (await asAdmin(b.baseUrl, 'POST', '/api/tasks', { title: 'across nodes', requiredCapabilities: ['typescript'] })).json
      .task.id as string;

    // Two separate MCP connections, each initialised on its own node only.
    const onA = await connectClient(httpTransport(a.baseUrl, agentToken));
    clients.push(onA);
    const { task } = await callOk(onA, 'claim_task', { waitMs: 2000 });
    expect(task).toMatchObject({ id: created, status: 'IN_PROGRESS', agent: AGENT_ID });

    const onB = await connectClient(httpTransport(b.baseUrl, agentToken));
    clients.push(onB);
    const progressed = await callOk(onB, 'report_progress', {
      taskId: task.id,
      progress: 60,
      note: 'reported through node B',
      lines: [{ text: 'built on B' }],
      leaseToken: task.leaseToken,
    });
    expect(progressed).toMatchObject({ task: { progress: 60 }, accepted: 2 });
    const done = await callOk(onB, 'complete_task', {
      taskId: task.id,
      result: { summary: 'done across nodes' },
      leaseToken: task.leaseToken,
    });
    expect(done.task).toMatchObject({ id: created, status: 'COMPLETED', result: { summary: 'done across nodes' } });

    // Node A reads what node B wrote, and the log names the agent (its token) as the actor on both.
    const seenOnA = await asAdmin(a.baseUrl, 'GET', `/api/tasks/${created}`);
    expect(seenOnA.json.task).toMatchObject({ status: 'COMPLETED', progress: 100 });
    const events = (await asAdmin(a.baseUrl, 'GET', `/api/events?taskId=${created}&limit=50`)).json.events as {
      type: string;
      actor: string;
    }[];
    expect(events.filter((e) => ['task.started', 'task.progress', 'task.completed'].includes(e.type)).map((e) => e.actor)).toEqual(
      expect.arrayContaining([`agent:${AGENT_ID}`]),
    );
    expect(new Set(events.filter((e) => e.type === 'task.completed').map((e) => e.actor))).toEqual(new Set([`agent:${AGENT_ID}`]));
    const logs = (await asAdmin(a.baseUrl, 'GET', `/api/tasks/${created}/logs`)).json.lines as { text: string }[];
    expect(logs.map((l) => l.text)).toEqual(['reported through node B', 'built on B']);
  });

  it('one MCP client behind a round-robin balancer: every call may land on the other node, and the rules hold on both', async () => {
    const [a, b] = servers;
    if (a === undefined || b === undefined) throw new Error('nodes did not start');
    const adminSecret = /sbt_[A-Za-z0-9_-]+/.exec(a.output())?.[0] ?? '';
    const mint = await fetch(`${a.baseUrl}/api/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminSecret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ label: 'balanced', role: 'agent', agentId: AGENT_ID }),
    });
    const token = ((await mint.json()) as { secret: string }).secret;
    const transport = roundRobinTransport([a.baseUrl, b.baseUrl], token);
    const client = await connectClient(transport);
    clients.push(client);
    const operatorMint = await fetch(`${b.baseUrl}/api/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminSecret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ label: 'balanced operator', role: 'operator' }),
    });
    const operator = await connectClient(httpTransport(b.baseUrl, ((await operatorMint.json()) as { secret: string }).secret));
    clients.push(operator);

    const { task: created } = await callOk(operator, 'create_task', { title: 'balanced', requiredCapabilities: ['typescript'] });
    const { task } = await callOk(client, 'claim_task', {});
    expect(task.id).toBe(created.id);
    for (const progress of [20, 40, 60, 80])
      await callOk(client, 'report_progress', { taskId: task.id, progress, leaseToken: task.leaseToken });
    // The agent binding holds whichever node answers: it may not act as another agent.
    expect((await callError(client, 'heartbeat', { agentId: 'someone-else' })).code).toBe('FORBIDDEN');
    expect((await callError(client, 'claim_task', { agentId: 'someone-else' })).code).toBe('FORBIDDEN');
    const done = await callOk(client, 'complete_task', { taskId: task.id, leaseToken: task.leaseToken });
    expect(done.task.status).toBe('COMPLETED');
    expect(transport.hits.get(a.baseUrl)).toBeGreaterThanOrEqual(4);
    expect(transport.hits.get(b.baseUrl)).toBeGreaterThanOrEqual(4);
  });
});
