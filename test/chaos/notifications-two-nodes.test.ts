import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { createTestSchema, describePg, pgTestUrl } from '../../src/storage/postgres/test-database.js';
import { startWebhookReceiver } from '../notifications/webhook-receiver.js';
import { call, eventually, startServerProcess, type ServerProcess } from '../support/server-process.js';

const { schema, dropSchema } = createTestSchema();
const servers: ServerProcess[] = [];
const receiver = await startWebhookReceiver();

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await receiver.close();
  await dropSchema();
});

/** Both nodes share one database and poll it often, so they really compete for every delivery. */
async function startNode(): Promise<ServerProcess> {
  const url = new URL(pgTestUrl());
  url.searchParams.set('options', `-c search_path=${schema}`);
  const server = await startServerProcess({
    DATABASE_URL: url.toString(),
    SWITCHBOARD_DISPATCH: 'manual',
    SWITCHBOARD_ANONYMOUS_ROLE: 'admin',
    SWITCHBOARD_NOTIFY_POLL_MS: '20',
    SWITCHBOARD_NOTIFY_BATCH: '3',
    SWITCHBOARD_NOTIFY_CHANNEL_CACHE_MS: '200',
  });
  servers.push(server);
  return server;
}

await describePg('two nodes on one PostgreSQL database', () => {
  it('deliver each notification exactly once between them, and see a channel made on the other node', async () => {
    const admin = new pg.Client({ connectionString: pgTestUrl() });
    await admin.connect();
    await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await admin.end();
    const [a, b] = [await startNode(), await startNode()];
    if (a === undefined || b === undefined) throw new Error('nodes did not start');
    // Made on node a; node b's cached channel list (200 ms) picks it up.
    const created = await call(a.baseUrl, 'POST', '/api/notifications/channels', {
      type: 'webhook',
      name: 'both',
      events: ['task.created'],
      settings: { url: receiver.url },
    });
    expect(created.status).toBe(201);
    receiver.setSecret(created.json.secret as string);
    await new Promise((done) => setTimeout(done, 400));

    const tasks: string[] = [];
    await Promise.all(
      [a, b].map(async (node, n) => {
        for (let i = 0; i < 40; i++)
          tasks.push((await call(node.baseUrl, 'POST', '/api/tasks', { title: `node ${n} task ${i}` })).json.task.id);
      }),
    );
    await eventually(async () => (receiver.acknowledged().length >= tasks.length ? true : undefined), 20_000, 'every notification');
    await new Promise((done) => setTimeout(done, 500)); // room for a duplicate to show up
    const ids = receiver.acknowledged().map((r) => r.id);
    expect(ids).toHaveLength(tasks.length);
    expect(new Set(ids).size).toBe(tasks.length);
    expect(receiver.received.every((r) => r.verified.ok)).toBe(true);
    const delivered = (await call(b.baseUrl, 'GET', '/api/notifications/deliveries?status=delivered&limit=500')).json
      .deliveries as unknown[];
    expect(delivered).toHaveLength(tasks.length);
  }, 90_000);
});
