import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { call, eventually, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { expectConsistent } from './invariants.js';

const dir = mkdtempSync(join(tmpdir(), 'sb-chaos-'));
const env = { SWITCHBOARD_DATA: join(dir, 'switchboard.db'), SWITCHBOARD_DISPATCH: 'auto' };
let server: ServerProcess | null = null;

afterAll(async () => {
  await server?.kill();
  rmSync(dir, { recursive: true, force: true });
});

describe('SIGKILL in the middle of a burst of creates and assignments', () => {
  it('keeps every acknowledged create, never two holders, never over capacity, and timers fire after the restart', async () => {
    server = await startServerProcess(env);
    const base = server.baseUrl;
    for (let i = 0; i < 4; i++) await call(base, 'POST', '/api/agents', { id: `agent-${i}`, name: `Agent ${i}`, maxConcurrentTasks: 3 });
    const slaTask = (
      await call(base, 'POST', '/api/tasks', {
        title: 'deadline soon',
        requiredCapabilities: ['nobody-has-this'],
        slaDeadline: new Date(Date.now() + 4000).toISOString(),
      })
    ).json.task.id as string;

    // 8 clients create (auto dispatch assigns as they go), 2 more call queue/next and complete,
    // until the server is killed under them; every 2xx create is remembered.
    const acknowledged: string[] = [];
    let stop = false;
    const creator = async (n: number) => {
      for (let i = 0; !stop; i++) {
        try {
          const r = await call(base, 'POST', '/api/tasks', {
            title: `burst ${n}-${i}`,
            priority: (['P0', 'P1', 'P2', 'P3'] as const)[i % 4],
          });
          if (r.status === 201) acknowledged.push(r.json.task.id as string);
        } catch {
          return; // connection refused: the server is gone
        }
      }
    };
    const worker = async () => {
      while (!stop) {
        try {
          const next = await call(base, 'POST', '/api/tasks/queue/next');
          const held = (await call(base, 'GET', '/api/agents/agent-0/tasks')).json.tasks as { id: string }[];
          for (const t of held.slice(0, 2)) await call(base, 'PUT', `/api/tasks/${t.id}/progress`, { progress: 100 });
          void next;
        } catch {
          return;
        }
      }
    };
    const clients = [...Array.from({ length: 8 }, (_, n) => creator(n)), worker(), worker()];
    await eventually(async () => (acknowledged.length >= 150 ? true : undefined), 60_000, '150 acknowledged creates');
    await server.kill();
    stop = true;
    await Promise.all(clients);

    server = await startServerProcess(env);
    const restarted = server.baseUrl;
    const missing: string[] = [];
    for (const id of acknowledged) if ((await call(restarted, 'GET', `/api/tasks/${id}`)).status !== 200) missing.push(id);
    expect(missing).toEqual([]);
    const { tasks } = await expectConsistent(restarted);
    expect(tasks.length).toBeGreaterThanOrEqual(acknowledged.length + 1);

    // The SLA timer armed before the crash is rebuilt from the store and fires once.
    const violation = await eventually(
      async () => {
        const events = (await call(restarted, 'GET', `/api/events?taskId=${slaTask}&type=task.sla_violated`)).json.events as unknown[];
        return events.length > 0 ? events : undefined;
      },
      15_000,
      'the SLA violation after the restart',
    );
    expect(violation).toHaveLength(1);
    expect((await call(restarted, 'GET', `/api/tasks/${slaTask}`)).json.task.slaViolated).toBe(true);
  });
});
