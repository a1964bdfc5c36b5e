import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskListResponse, TaskResponse } from '../../src/sdk/index.js';
import { startCliServer, type CliServer } from './cli-harness.js';

let sb: CliServer;
beforeAll(async () => {
  sb = await startCliServer();
});
afterAll(async () => {
  await sb?.stop();
});

const json = <T>(stdout: string) => JSON.parse(stdout) as T;

describe('switchboard task', () => {
  it('create: a line for people, the server answer with --json; every flag reaches the task', async () => {
    const before = Date.now();
    const created = await sb.run([
      '--json',
      'task',
      'create',
      '--title',
      'Fix the flaky test',
      '--description',
      'It fails one run in ten',
      '--priority',
      'p1',
      '--require',
      'typescript,testing',
      '--prefer',
      'vitest',
      '--label',
      'ci',
      '--label',
      'flaky',
      '--sla',
      '2h',
      '--max-attempts',
      '3',
      '--eta',
      '1h',
    ]);
    expect(created.code).toBe(0);
    const { task } = json<TaskResponse>(created.stdout);
    expect(task).toMatchObject({
      title: 'Fix the flaky test',
      description: 'It fails one run in ten',
      priority: 'P1',
      // The server keeps capabilities sorted.
      requiredCapabilities: ['testing', 'typescript'],
      preferredCapabilities: ['vitest'],
      labels: ['ci', 'flaky'],
      maxAttempts: 3,
      eta: '1h',
      status: 'PENDING',
    });
    const sla = Date.parse(task.slaDeadline ?? '') - before;
    expect(sla).toBeGreaterThan(2 * 3_600_000 - 60_000);
    expect(sla).toBeLessThan(2 * 3_600_000 + 60_000);

    const dependent = await sb.run(['task', 'create', '--title', 'Ship it', '--depends-on', task.id]);
    expect(dependent.code).toBe(0);
    expect(dependent.stdout).toMatch(/^Created TASK-\d+ \(BLOCKED, P2\): Ship it\n$/);
  });

  it('create: an idempotency key makes a retried create answer the first task', async () => {
    const args = ['--json', 'task', 'create', '--title', 'Once', '--idempotency-key', 'script-run-7'];
    const first = json<TaskResponse>((await sb.run(args)).stdout);
    const again = json<TaskResponse>((await sb.run(args)).stdout);
    expect(again.task.id).toBe(first.task.id);
  });

  it('list: an aligned table, filters, one page with a note on stderr, and --all follows the cursor', async () => {
    // Independent reads: run side by side, each CLI start is a second of its own.
    const [table, blockedRun, onePage, allRun] = await Promise.all([
      sb.run(['task', 'list', '--search', 'flaky']),
      sb.run(['--json', 'task', 'list', '--status', 'blocked']),
      sb.run(['task', 'list', '--limit', '1']),
      sb.run(['--json', 'task', 'list', '--limit', '1', '--all']),
    ]);
    expect(table.code).toBe(0);
    const [header, row, ...rest] = table.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID\s+STATUS\s+PRI\s+AGENT\s+PROGRESS\s+TRIES\s+SLA\s+TITLE$/);
    expect(row).toMatch(/^TASK-\d+\s+PENDING\s+P1\s+-\s+0%\s+0\/3\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\s+Fix the flaky test$/);
    expect(rest).toEqual([]);
    // Aligned: every column starts where its header does.
    expect(row?.indexOf('PENDING')).toBe(header?.indexOf('STATUS'));
    // Not a TTY: no escape codes.
    expect(table.stdout).not.toContain('\u001b[');

    const blocked = json<TaskListResponse>(blockedRun.stdout);
    expect(blocked.tasks.map((t) => t.title)).toEqual(['Ship it']);

    expect(onePage.stdout.trimEnd().split('\n')).toHaveLength(2);
    expect(onePage.stderr).toMatch(/^Showing 1 of \d+ tasks; --all shows every page\.\n$/);

    const all = json<TaskListResponse>(allRun.stdout);
    const everything = await sb.client.tasks.list();
    expect(all.tasks.map((t) => t.id)).toEqual(everything.tasks.map((t) => t.id));
    expect(all).toMatchObject({ count: everything.total, total: everything.total, nextCursor: null });
  });

  it('show: the fields, the assignment decision with every score term, and the timeline; --json has all three', async () => {
    await sb.client.agents.register({ id: 'ts-bot', name: 'TS bot', capabilities: ['typescript', 'testing'], maxConcurrentTasks: 5 });
    const { task } = await sb.client.tasks.create({ title: 'Assigned one', requiredCapabilities: ['typescript'], labels: ['x'] });
    await sb.client.tasks.assign(task.id);

    const shown = await sb.run(['task', 'show', task.id]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`${task.id}  Assigned one\n`);
    expect(shown.stdout).toMatch(/^Status\s+ASSIGNED$/m);
    expect(shown.stdout).toMatch(/^Agent\s+ts-bot$/m);
    expect(shown.stdout).toMatch(/^Assignment\s+manual, .*, 1 considered$/m);
    expect(shown.stdout).toMatch(/^AGENT\s+SCORE\s+PREFERRED\s+RELIABILITY\s+CAPACITY\s+DEADLINE\s+RECENCY$/m);
    expect(shown.stdout).toMatch(/^ts-bot\s+chosen\s+\d\.\d{3}\s+1\.000\s+/m);
    expect(shown.stdout).toMatch(/^Timeline\n/m);
    expect(shown.stdout).toMatch(/task\.created .*title="Assigned one"/);
    expect(shown.stdout).toMatch(/task\.assigned\s+ts-bot\s+token:.*decision=manual\(score/);

    const doc = json<{ task: { id: string }; timeline: { type: string }[]; recommendation: null }>(
      (await sb.run(['--json', 'task', 'show', task.id])).stdout,
    );
    expect(doc.task.id).toBe(task.id);
    expect(doc.timeline.map((e) => e.type)).toEqual(['task.created', 'task.assigned']);
    expect(doc.recommendation).toBeNull();
  });

  it('show: a waiting task says who could take it now, or why nobody can; a control character in its title is shown escaped', async () => {
    const { task } = await sb.client.tasks.create({ title: 'Needs \u001b[2J Rust', requiredCapabilities: ['rust'] });
    const shown = await sb.run(['task', 'show', task.id]);
    expect(shown.stdout).toMatch(/^Candidates now\nNo agent can take it: .*rust/m);
    expect(shown.stdout).toContain(`${task.id}  Needs \\x1b[2J Rust\n`);
    expect(shown.stdout).not.toContain('\u001b');
  });

  it('cancel and retry; a refused transition exits 1 with the server message and code, in JSON with --json', async () => {
    const { task } = await sb.client.tasks.create({ title: 'To cancel' });
    const cancelled = await sb.run(['task', 'cancel', task.id, '--reason', 'not needed']);
    expect(cancelled).toMatchObject({ code: 0, stdout: `Cancelled ${task.id}.\n` });
    expect((await sb.client.tasks.get(task.id)).task.status).toBe('CANCELLED');

    const [refused, refusedJson] = await Promise.all([sb.run(['task', 'retry', task.id]), sb.run(['--json', 'task', 'retry', task.id])]);
    expect(refused).toMatchObject({ code: 1, stdout: '' });
    expect(refused.stderr).toMatch(/^error: Cannot retry task .* \(TASK_INVALID_TRANSITION\)\n$/);
    expect(refusedJson.code).toBe(1);
    expect(JSON.parse(refusedJson.stderr)).toMatchObject({ code: 'TASK_INVALID_TRANSITION', status: 409, details: { taskId: task.id } });

    const { task: failing } = await sb.client.tasks.create({ title: 'Fails once', requiredCapabilities: ['testing'], maxAttempts: 1 });
    await sb.client.tasks.assign(failing.id, { agentId: 'ts-bot' });
    await sb.client.tasks.start(failing.id);
    await sb.client.tasks.fail(failing.id, { reason: 'flaky' });
    const retried = await sb.run(['task', 'retry', failing.id]);
    expect(retried).toMatchObject({ code: 0, stdout: `Retrying ${failing.id}: PENDING.\n` });
  });

  it('a task that does not exist: exit 1 and TASK_NOT_FOUND on stderr', async () => {
    const missing = await sb.run(['task', 'show', 'TASK-999']);
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toContain('(TASK_NOT_FOUND)');
  });

  it('a bad flag value exits 2 before any request, naming the option', async () => {
    const cases: [string[], string][] = [
      [['task', 'create', '--title', 'x', '--priority', 'P9'], '--priority'],
      [['task', 'create', '--title', 'x', '--sla', 'yesterday'], '--sla'],
      [['task', 'create', '--title', 'x', '--max-attempts', '0'], '--max-attempts'],
      [['task', 'create'], '--title'],
      [['task', 'list', '--sort', 'sideways'], '--sort'],
    ];
    const outcomes = await Promise.all(cases.map(([args]) => sb.run(args)));
    outcomes.forEach((outcome, i) => {
      const [args, option] = cases[i] ?? [[], ''];
      expect(outcome.code, args.join(' ')).toBe(2);
      expect(outcome.stdout).toBe('');
      expect(outcome.stderr).toContain(option);
    });
    expect((await sb.client.tasks.list({ q: 'x' })).tasks.filter((t) => t.title === 'x')).toEqual([]);
  });
});
