import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startWebhookReceiver, type ReceivedWebhook } from '../notifications/webhook-receiver.js';
import { call, eventually, startServerProcess, type ServerProcess } from '../support/server-process.js';

const dir = mkdtempSync(join(tmpdir(), 'sb-notify-crash-'));
/** Short send timeout (lease = 2 x 500 + 1000 ms) and backoff, so the test is about the crash, not the waiting. */
const env = {
  SWITCHBOARD_DATA: join(dir, 'switchboard.db'),
  SWITCHBOARD_DISPATCH: 'manual',
  SWITCHBOARD_ANONYMOUS_ROLE: 'admin',
  SWITCHBOARD_NOTIFY_TIMEOUT_MS: '500',
  SWITCHBOARD_NOTIFY_POLL_MS: '100',
  SWITCHBOARD_NOTIFY_BACKOFF_BASE_MS: '100',
  SWITCHBOARD_NOTIFY_BACKOFF_MAX_MS: '500',
  SWITCHBOARD_NOTIFY_MAX_ATTEMPTS: '100',
};
let server: ServerProcess | null = null;
const receiver = await startWebhookReceiver();

afterAll(async () => {
  await server?.kill();
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SIGKILL with undelivered notifications', () => {
  it('delivers every one after the restart, each signed, duplicates only under the same webhook-id', async () => {
    server = await startServerProcess(env);
    const created = await call(server.baseUrl, 'POST', '/api/notifications/channels', {
      type: 'webhook',
      name: 'crash',
      events: ['task.created'],
      settings: { url: receiver.url },
    });
    expect(created.status).toBe(201);
    receiver.setSecret(created.json.secret as string);
    // The receiver takes requests and never answers: sends are in flight (leased) when the server dies.
    receiver.setHang(true);
    const tasks: string[] = [];
    for (let i = 0; i < 20; i++)
      tasks.push((await call(server.baseUrl, 'POST', '/api/tasks', { title: `before crash ${i}` })).json.task.id);
    await eventually(async () => (receiver.hung >= 20 ? true : undefined), 10_000, 'sends in flight');
    await server.kill();
    receiver.setHang(false);

    server = await startServerProcess(env);
    const acked = await eventually(
      async () => {
        const ids = new Set(receiver.acknowledged().map((r) => r.id));
        return ids.size >= tasks.length ? ids : undefined;
      },
      20_000,
      'every notification after the restart',
    );
    expect(acked.size).toBe(tasks.length);
    expect(receiver.received.every((r) => r.verified.ok)).toBe(true);
    const taskOf = (r: ReceivedWebhook) => (r.verified.ok ? (r.verified.payload.data.task as { id: string }).id : null);
    expect([...new Set(receiver.acknowledged().map(taskOf))].sort()).toEqual([...tasks].sort());
    // A duplicate would carry the id of its first send: one task per webhook-id.
    const taskById = new Map<string, string | null>();
    for (const r of receiver.acknowledged()) {
      expect(taskById.get(r.id) ?? taskOf(r)).toBe(taskOf(r));
      taskById.set(r.id, taskOf(r));
    }
    const delivered = await eventually(
      async () => {
        const list = (await call(server!.baseUrl, 'GET', '/api/notifications/deliveries?status=delivered&limit=100')).json
          .deliveries as unknown[];
        return list.length === tasks.length ? list : undefined;
      },
      10_000,
      'every delivery marked delivered',
    );
    expect(delivered).toHaveLength(tasks.length);
  }, 90_000);
});
