import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type LogLineView, type SwitchboardClient, type TaskLogsResponse } from '../../src/sdk/index.js';
import { startCliServer, type CliServer } from './cli-harness.js';

let sb: CliServer;
let agent: SwitchboardClient;
let taskId: string;
let leaseToken: number;
beforeAll(async () => {
  sb = await startCliServer();
  await sb.client.agents.register({ id: 'log-bot', name: 'Log bot' });
  const { secret } = await sb.client.tokens.create({ label: 'log-bot', role: 'agent', agentId: 'log-bot' });
  agent = createClient({ url: sb.url, token: secret });
  taskId = (await sb.client.tasks.create({ title: 'Logged work' })).task.id;
  const claimed = (await agent.agents.claim('log-bot')).task;
  if (claimed === null) throw new Error('log-bot claimed nothing');
  leaseToken = claimed.leaseToken;
  await agent.tasks.appendLogs(
    taskId,
    { lines: [{ text: 'compiling' }, { text: 'warning: \u001b[31mred\u001b[0m', stream: 'stderr' }] },
    { leaseToken },
  );
});
afterAll(async () => {
  agent?.close();
  await sb?.stop();
});

const append = (text: string) => agent.tasks.appendLogs(taskId, { lines: [{ text }] }, { leaseToken });

describe('switchboard task logs', () => {
  it('prints every line with its seq, time, attempt and stream; control characters shown, not sent to the terminal', async () => {
    const [table, fromTwo] = await Promise.all([
      sb.run(['task', 'logs', taskId]),
      sb.run(['--json', 'task', 'logs', taskId, '--after', '1']),
    ]);
    expect(table.code).toBe(0);
    expect(table.stdout.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^\s+1 {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ {2}#1 {3}stdout {2}compiling$/),
      expect.stringMatching(/^\s+2 {2}.*Z {2}#1 {3}stderr {2}warning: \\x1b\[31mred\\x1b\[0m$/),
    ]);
    const page = JSON.parse(fromTwo.stdout) as TaskLogsResponse;
    expect(page).toMatchObject({ success: true, count: 1, lastSeq: 2, hasMore: false, truncated: false });
    expect(page.lines).toEqual([expect.objectContaining({ seq: 2, stream: 'stderr', text: 'warning: \u001b[31mred\u001b[0m' })]);
  });

  it('--follow: the log so far, then lines as the agent sends them, live (well before the fallback poll); SIGTERM exits 0', async () => {
    const following = sb.start(['task', 'logs', taskId, '--follow']);
    await following.waitFor(/stderr {2}warning/);
    const sent = Date.now();
    await append('live line');
    await following.waitFor(/stdout {2}live line\n/);
    // The poll runs every 5 s; the socket brings a line in well under that.
    expect(Date.now() - sent).toBeLessThan(4000);
    const outcome = await following.stop('SIGTERM');
    expect(outcome).toMatchObject({ code: 0, stderr: '' });
    expect(
      outcome.stdout
        .trimEnd()
        .split('\n')
        .map((l) => l.trim().split(/\s+/)[0]),
    ).toEqual(['1', '2', '3']);
  });

  it('--follow --json --after: one JSON line per log line after that seq, each once', async () => {
    const following = sb.start(['--json', 'task', 'logs', taskId, '--follow', '--after', '2']);
    await following.waitFor(/"text":"live line"/);
    await append('json line');
    await following.waitFor(/"text":"json line"/);
    const outcome = await following.stop('SIGINT');
    expect(outcome.code).toBe(0);
    const lines = outcome.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as LogLineView);
    expect(lines.map((l) => [l.seq, l.text])).toEqual([
      [3, 'live line'],
      [4, 'json line'],
    ]);
  });

  it('task show lists the attempts with the usage the agent reported', async () => {
    await agent.tasks.complete(
      taskId,
      {
        result: 'done',
        usage: { inputTokens: 1200, outputTokens: 340, cachedTokens: 800, costUsd: 0.0123, turns: 3, durationMs: 4200, model: 'model-x' },
      },
      { leaseToken },
    );
    const [shown, asJson] = await Promise.all([sb.run(['task', 'show', taskId]), sb.run(['--json', 'task', 'show', taskId])]);
    expect(shown.stdout).toMatch(/^Attempts\n#\s+AGENT\s+STARTED\s+TOOK\s+OUTCOME\s+TOKENS IN\/OUT\s+COST\s+TURNS\s+MODEL\s+REASON$/m);
    expect(shown.stdout).toMatch(/^1\s+log-bot\s+\S+ \S+\s+4\.2s\s+completed\s+1200\/340 \(800 cached\)\s+\$0\.0123\s+3\s+model-x\s+-$/m);
    const doc = JSON.parse(asJson.stdout) as { attempts: unknown[] };
    expect(doc.attempts).toEqual([
      expect.objectContaining({ number: 1, agentId: 'log-bot', outcome: 'completed', usage: expect.objectContaining({ costUsd: 0.0123 }) }),
    ]);
  });

  it('a task that does not exist: exit 1 and TASK_NOT_FOUND, with --follow too', async () => {
    const [plain, following] = await Promise.all([sb.run(['task', 'logs', 'TASK-404']), sb.run(['task', 'logs', 'TASK-404', '--follow'])]);
    for (const outcome of [plain, following]) {
      expect(outcome).toMatchObject({ code: 1, stdout: '' });
      expect(outcome.stderr).toContain('(TASK_NOT_FOUND)');
    }
  });
});
