import pg from 'pg';
import { io as connect } from 'socket.io-client';
import { afterAll, expect, it } from 'vitest';
import { createTestSchema, describePg, pgTestUrl } from '../../src/storage/postgres/test-database.js';
import { call, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { expectConsistent } from './invariants.js';

const { schema, dropSchema } = createTestSchema();
const servers: ServerProcess[] = [];

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await dropSchema();
});

/** Both nodes share one database; the schema keeps this file's rows apart from other tests'. */
async function startNode(): Promise<ServerProcess> {
  const url = new URL(pgTestUrl());
  url.searchParams.set('options', `-c search_path=${schema}`);
  const server = await startServerProcess({ DATABASE_URL: url.toString(), SWITCHBOARD_DISPATCH: 'manual' });
  servers.push(server);
  return server;
}

await describePg('two API processes on one PostgreSQL database', () => {
  it('hammered with assign and queue/next for the same tasks: no task assigned twice, no capacity exceeded', async () => {
    const admin = new pg.Client({ connectionString: pgTestUrl() });
    await admin.connect();
    await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await admin.end();
    const [a, b] = [await startNode(), await startNode()];
    if (a === undefined || b === undefined) throw new Error('nodes did not start');

    for (let i = 0; i < 5; i++)
      expect((await call(a.baseUrl, 'POST', '/api/agents', { id: `agent-${i}`, name: `Agent ${i}`, maxConcurrentTasks: 2 })).status).toBe(
        201,
      );
    const ids: string[] = [];
    for (let i = 0; i < 30; i++)
      ids.push(
        (await call(b.baseUrl, 'POST', '/api/tasks', { title: `contested ${i}`, priority: (['P0', 'P1', 'P2', 'P3'] as const)[i % 4] }))
          .json.task.id,
      );

    // Each node gets 12 clients racing for the same tasks through both entry points.
    const statuses: number[] = [];
    const client = async (base: string, seed: number) => {
      for (let i = 0; i < 20; i++) {
        const id = ids[(seed * 7 + i * 13) % ids.length] ?? 'TASK-001';
        const r = i % 3 === 0 ? await call(base, 'POST', '/api/tasks/queue/next') : await call(base, 'POST', `/api/tasks/${id}/assign`);
        statuses.push(r.status);
      }
    };
    await Promise.all(Array.from({ length: 24 }, (_, n) => client(n % 2 === 0 ? a.baseUrl : b.baseUrl, n)));

    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    const { tasks, agents } = await expectConsistent(a.baseUrl);
    expect(tasks.filter((t) => t.status === 'ASSIGNED')).toHaveLength(10);
    expect(agents.every((x) => x.load === 2)).toBe(true);
    const assigned = (await call(b.baseUrl, 'GET', '/api/events?type=task.assigned&limit=500')).json.events as { taskId: string }[];
    expect(assigned).toHaveLength(10);
    expect(new Set(assigned.map((e) => e.taskId)).size).toBe(10);
  });

  it("relays events between nodes: a client of one node sees the other node's changes", async () => {
    const [a, b] = servers;
    if (a === undefined || b === undefined) throw new Error('nodes did not start');
    const socket = connect(b.baseUrl, { transports: ['websocket'] });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      const seen = new Promise<{ task: { id: string } }>((resolve) => socket.on('task:created', resolve));
      const created = (await call(a.baseUrl, 'POST', '/api/tasks', { title: 'made on node A' })).json.task.id as string;
      const heard = await Promise.race([
        seen,
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('node B never relayed task:created')), 5000)),
      ]);
      expect(heard.task.id).toBe(created);
    } finally {
      socket.close();
    }
  });

  it('relays log lines: a socket on node B gets task:log for lines appended on node A, read back from the store', async () => {
    const [a, b] = servers;
    if (a === undefined || b === undefined) throw new Error('nodes did not start');
    expect((await call(a.baseUrl, 'POST', '/api/agents', { id: 'logger', name: 'Logger' })).status).toBe(201);
    const id = (await call(a.baseUrl, 'POST', '/api/tasks', { title: 'logged on A' })).json.task.id as string;
    expect((await call(a.baseUrl, 'POST', `/api/tasks/${id}/assign`, { agentId: 'logger' })).status).toBe(200);
    expect((await call(a.baseUrl, 'POST', `/api/tasks/${id}/start`, {})).status).toBe(200);
    const socket = connect(b.baseUrl, { transports: ['websocket'] });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      const seen = new Promise<{ taskId: string; lines: { seq: number; text: string; stream: string }[] }>((resolve) =>
        socket.on('task:log', resolve),
      );
      const long = 'y'.repeat(8192);
      const appended = await call(a.baseUrl, 'POST', `/api/tasks/${id}/logs`, {
        lines: [{ text: 'from node A' }, { text: long, stream: 'stderr' }],
      });
      expect(appended.json).toMatchObject({ accepted: 2 });
      const heard = await Promise.race([
        seen,
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('node B never relayed task:log')), 5000)),
      ]);
      expect(heard.taskId).toBe(id);
      expect(heard.lines.map((l) => [l.seq, l.stream, l.text])).toEqual([
        [1, 'stdout', 'from node A'],
        [2, 'stderr', long],
      ]);
    } finally {
      socket.close();
    }
  });

  it('revoking a token on one node disconnects its sockets on both nodes within a second', async () => {
    const [a, b] = servers;
    if (a === undefined || b === undefined) throw new Error('nodes did not start');
    const adminSecret = /sbt_[A-Za-z0-9_-]+/.exec(a.output())?.[0];
    if (adminSecret === undefined) throw new Error(`node A printed no admin token:\n${a.output()}`);
    const asAdmin = (base: string, method: string, path: string, body?: unknown) =>
      fetch(base + path, {
        method,
        headers: { authorization: `Bearer ${adminSecret}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, json: (await r.json()) as any }));
    const minted = await asAdmin(a.baseUrl, 'POST', '/api/tokens', { label: 'wallboard', role: 'viewer' });
    expect(minted.status).toBe(201);
    const open = (base: string, token: string) => {
      const socket = connect(base, { transports: ['websocket'], auth: { token }, reconnection: false, forceNew: true });
      return new Promise<typeof socket>((resolve, reject) => {
        socket.once('connect', () => resolve(socket));
        socket.once('connect_error', reject);
      });
    };
    const sockets = [
      await open(a.baseUrl, minted.json.secret),
      await open(b.baseUrl, minted.json.secret),
      await open(b.baseUrl, adminSecret),
    ];
    const [onA, onB, admin] = sockets;
    try {
      const cut = [onA, onB].map((socket) => new Promise<string>((resolve) => socket?.once('disconnect', resolve)));
      const started = Date.now();
      expect((await asAdmin(a.baseUrl, 'DELETE', `/api/tokens/${minted.json.token.id}`)).status).toBe(200);
      const reasons = await Promise.race([
        Promise.all(cut),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('a revoked socket was still open after 1 s')), 1000)),
      ]);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(reasons).toEqual(['io server disconnect', 'io server disconnect']);
      expect(admin?.connected).toBe(true);
      const onBHttp = await fetch(`${b.baseUrl}/api/tasks`, { headers: { authorization: `Bearer ${minted.json.secret}` } });
      expect(onBHttp.status).toBe(401);
    } finally {
      for (const socket of sockets) socket?.close();
    }
  });
});
