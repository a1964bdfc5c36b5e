import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventListResponse, EventView } from '../../src/sdk/index.js';
import { startCliServer, type CliServer } from './cli-harness.js';

let sb: CliServer;
beforeAll(async () => {
  sb = await startCliServer();
  await sb.client.agents.register({ id: 'ev-bot', name: 'Event bot', capabilities: ['go'] });
  await sb.client.tasks.create({ title: 'First' });
  await sb.client.tasks.create({ title: 'Second', requiredCapabilities: ['go'] });
});
afterAll(async () => {
  await sb?.stop();
});

const lines = (text: string) => text.trimEnd().split('\n');

describe('switchboard events', () => {
  it('a page: oldest at the top in the table, as the server sent it with --json; filters and --after', async () => {
    const [table, asJson, created, afterTwo] = await Promise.all([
      sb.run(['events']),
      sb.run(['--json', 'events']),
      sb.run(['--json', 'events', '--type', 'task.created']),
      sb.run(['--json', 'events', '--after', '2', '--limit', '1']),
    ]);
    expect(table.code).toBe(0);
    const [header, ...rows] = lines(table.stdout);
    expect(header).toMatch(/^\s+ID\s+AT\s+TYPE\s+TASK\s+AGENT\s+ACTOR\s+DETAIL$/);
    expect(rows.map((r) => /^\s*(\d+)\s+\S+ \S+\s+(\S+)/.exec(r)?.slice(1, 3))).toEqual([
      ['1', 'agent.registered'],
      ['2', 'task.created'],
      ['3', 'task.created'],
    ]);
    expect(rows[1]).toMatch(/TASK-001\s+-\s+token:\S+\s+title=First priority=P2 status=PENDING$/);

    const doc = JSON.parse(asJson.stdout) as EventListResponse;
    expect(doc.events.map((e) => e.id)).toEqual([3, 2, 1]);
    expect((JSON.parse(created.stdout) as EventListResponse).events.map((e) => e.type)).toEqual(['task.created', 'task.created']);
    const after = JSON.parse(afterTwo.stdout) as EventListResponse;
    expect(after).toMatchObject({ events: [{ id: 3 }], nextCursor: '3' });
  });

  it('--follow: the newest events, then new ones live, each once; SIGTERM ends it with exit 0', async () => {
    const following = sb.start(['events', '--follow', '--limit', '1']);
    await following.waitFor(/task\.created .*title=Second/);
    const { task } = await sb.client.tasks.assign('TASK-002');
    await following.waitFor(new RegExp(`task\\.assigned\\s+${task.id}\\s+ev-bot`));
    const outcome = await following.stop('SIGTERM');
    expect(outcome.code).toBe(0);
    expect(outcome.stderr).toBe('');
    const [header, ...rows] = lines(outcome.stdout);
    expect(header).toMatch(/^\s+ID\s+AT\s+TYPE/);
    expect(rows.map((r) => r.trim().split(/\s+/)[0])).toEqual(['3', '4']);
  });

  it('--follow --json: one JSON object per line, filters applied to the live stream; Ctrl-C ends it with exit 0', async () => {
    const following = sb.start(['--json', 'events', '--follow', '--task', 'TASK-001', '--type', 'task.cancelled,task.created']);
    await following.waitFor(/"title":"First"/);
    await sb.client.tasks.cancel('TASK-002');
    await sb.client.tasks.cancel('TASK-001', { reason: 'done by hand' });
    await following.waitFor(/"type":"task\.cancelled"/);
    const outcome = await following.stop('SIGINT');
    expect(outcome.code).toBe(0);
    const events = lines(outcome.stdout).map((line) => JSON.parse(line) as EventView);
    expect(events.map((e) => [e.type, e.taskId])).toEqual([
      ['task.created', 'TASK-001'],
      ['task.cancelled', 'TASK-001'],
    ]);
    expect(events[1]?.payload).toMatchObject({ reason: 'done by hand' });
  });

  it('--follow --after: catches up from that id, page by page, before going live', async () => {
    const following = sb.start(['--json', 'events', '--follow', '--after', '1', '--limit', '2']);
    const last = (await sb.client.events.list({ limit: 1 })).events[0]?.id ?? 0;
    await following.waitFor(new RegExp(`"id":${last},`));
    const outcome = await following.stop('SIGTERM');
    const ids = lines(outcome.stdout).map((line) => (JSON.parse(line) as EventView).id);
    expect(ids).toEqual(Array.from({ length: last - 1 }, (_, i) => i + 2));
  });
});
