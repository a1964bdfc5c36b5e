import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/core/policy.js';
import { completed, createClient, released, type EventView, type SwitchboardClient, type WorkLogger } from '../../src/sdk/index.js';
import { agentToken, TOKENS } from '../support/api-harness.js';
import { Inbox } from './inbox.js';
import { startListeningHarness, type ListeningHarness } from './listening-harness.js';

/** A promise the test settles: the handler's work "takes" exactly as long as the test says. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => undefined as void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** client.agent(id).work against the real server: claims, reports, fencing, stop. */
describe('SDK work loop', () => {
  let h: ListeningHarness;
  let admin: SwitchboardClient;
  let bot: SwitchboardClient;
  let events: Inbox<EventView>;
  let warnings: Inbox<{ message: string; details?: Record<string, unknown> }>;
  let logger: WorkLogger;
  let lines: { line: string; taskId: unknown }[];
  const heartbeatMs = 60_000;

  beforeEach(async () => {
    h = await startListeningHarness({ anonymousRole: 'none' });
    admin = createClient({ url: h.url, token: TOKENS.admin });
    bot = createClient({ url: h.url, token: agentToken('bot') });
    await admin.agents.register({ id: 'bot', name: 'Bot', maxConcurrentTasks: 2 });
    events = new Inbox<EventView>();
    await admin.events.subscribe({}, events.push).ready;
    warnings = new Inbox();
    lines = [];
    logger = {
      warn: (message, details) => warnings.push({ message, ...(details === undefined ? {} : { details }) }),
      info: (line, details) => lines.push({ line, taskId: details?.['taskId'] }),
    };
  });
  afterEach(async () => {
    admin.close();
    // A claim the stopped worker left long-polling waits on the fake clock, which never moves by itself, and
    // the server's close would wait for that request: cut the connections first.
    h.app.server.closeAllConnections();
    await h.close();
  });

  const ofType = (type: string) => (items: EventView[]) => items.filter((e) => e.type === type);

  it('claims, reports progress and completes with what the handler returns; a throw fails with its message', async () => {
    const worker = bot.agent('bot').work(
      async ({ task, progress, log }) => {
        log(`working on ${task.title}`);
        await progress(50);
        if (task.title === 'Breaks') throw new Error('compiler exploded');
        return { answer: 42 };
      },
      { heartbeatMs, logger },
    );
    const ok = (await admin.tasks.create({ title: 'Works' })).task;
    await events.until((items) => ofType('task.completed')(items).length === 1, 'the completion');
    const broken = (await admin.tasks.create({ title: 'Breaks' })).task;
    await events.until((items) => ofType('task.failed')(items).length === 1, 'the failure');
    await worker.stop();

    expect((await admin.tasks.get(ok.id)).task).toMatchObject({ status: 'COMPLETED', result: { answer: 42 }, progress: 100 });
    expect((await admin.tasks.get(broken.id)).task.failureReason).toBe('compiler exploded');
    expect(ofType('task.progressed')(events.items).map((e) => e.taskId)).toEqual([ok.id, broken.id]);
    expect(warnings.items).toEqual([]);
    expect(lines).toEqual([
      { line: 'working on Works', taskId: ok.id },
      { line: 'working on Breaks', taskId: broken.id },
    ]);
  });

  it('a completion after the lease was lost is dropped with one warning and never retried', async () => {
    const work = gate();
    const started = new Inbox<AbortSignal>();
    const worker = bot.agent('bot').work(
      async ({ signal }) => {
        started.push(signal);
        await work.promise;
        return 'too late';
      },
      // No watch: the requeue event would abort the handler first; this is about the report itself.
      { heartbeatMs, logger, claimRetryMs: 60_000, watch: false },
    );
    const { task } = await admin.tasks.create({ title: 'Slow' });
    const [signal] = await started.until((items) => items.length === 1, 'the handler to start');

    // The agent goes silent past its lease: the server requeues the task under a new fencing token.
    h.clock.advance(DEFAULT_POLICY.leaseMs + 1);
    await events.until((items) => ofType('task.requeued')(items).length === 1, 'the requeue');
    work.open();

    const [warning] = await warnings.until((items) => items.some((w) => w.message.includes('dropped')), 'the drop warning');
    expect(warning?.details).toMatchObject({ taskId: task.id });
    expect(['STALE_LEASE', 'TASK_INVALID_TRANSITION']).toContain(warning?.details?.['code']);
    expect(signal?.aborted).toBe(true);
    await worker.stop();
    expect(warnings.items.filter((w) => w.message.includes('dropped'))).toHaveLength(1);
    expect(ofType('task.completed')(events.items)).toEqual([]);
    expect((await admin.tasks.get(task.id)).task.status).not.toBe('COMPLETED');
  });

  it('stop() lets in-flight work finish and report, across concurrent slots; stop({ abort }) aborts and releases instead', async () => {
    const work = gate();
    const started = new Inbox<string>();
    const worker = bot.agent('bot').work(
      async ({ task }) => {
        started.push(task.id);
        await work.promise;
        return task.id;
      },
      { concurrency: 2, heartbeatMs, logger },
    );
    await admin.tasks.create({ title: 'A' });
    await admin.tasks.create({ title: 'B' });
    await started.until((items) => items.length === 2, 'both handlers running at once');
    expect(worker.inFlight).toBe(2);

    const stopped = worker.stop();
    work.open();
    await stopped;
    expect(worker.inFlight).toBe(0);
    // stop() resolved only after both reports committed: the server already says so.
    expect((await admin.tasks.list({ status: 'COMPLETED' })).count).toBe(2);

    const aborting = bot.agent('bot').work(
      async ({ signal }) => {
        started.push('aborted-one');
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        return 'never reported';
      },
      { heartbeatMs, logger },
    );
    const { task } = await admin.tasks.create({ title: 'C' });
    await started.until((items) => items.includes('aborted-one'), 'the third handler');
    await aborting.stop({ abort: true });
    expect((await admin.tasks.get(task.id)).task).toMatchObject({ status: 'PENDING', attempts: 0 });
  });

  it('a task cancelled on the server aborts its handler within a second, with reason cancelled, and reports nothing', async () => {
    const started = new Inbox<AbortSignal>();
    const ended = new Inbox<string | undefined>();
    const worker = bot.agent('bot').work(
      async ({ signal }) => {
        started.push(signal);
        await new Promise(() => undefined);
      },
      { heartbeatMs, logger, onTask: (e) => e.type === 'ended' && ended.push(e.outcome) },
    );
    const { task } = await admin.tasks.create({ title: 'Doomed' });
    const [signal] = await started.until((items) => items.length === 1, 'the handler to start');
    const cancelledAt = Date.now();
    await admin.tasks.cancel(task.id, { reason: 'not needed' });
    await ended.until((items) => items.length === 1, 'the attempt to end');
    expect(Date.now() - cancelledAt).toBeLessThan(2000);
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBe('cancelled');
    expect(ended.items).toEqual(['lost']);
    expect(worker.inFlight).toBe(0);
    await worker.stop();
    expect((await admin.tasks.get(task.id)).task.status).toBe('CANCELLED');
  });

  it('stop({ drainMs }) waits, then aborts with reason stopping and releases: the attempt is not spent', async () => {
    const started = new Inbox<{ signal: AbortSignal; attempt: number }>();
    const lifecycle: string[] = [];
    const worker = bot.agent('bot').work(
      async ({ signal, attempt }) => {
        started.push({ signal, attempt });
        await new Promise(() => undefined);
      },
      { heartbeatMs, logger, onTask: (e) => lifecycle.push(`${e.type}:${e.outcome ?? ''}`) },
    );
    const { task } = await admin.tasks.create({ title: 'Long', maxAttempts: 1 });
    const [first] = await started.until((items) => items.length === 1, 'the handler to start');
    expect(first?.attempt).toBe(1);
    const stopAt = Date.now();
    await worker.stop({ drainMs: 300 });
    expect(Date.now() - stopAt).toBeGreaterThanOrEqual(290);
    expect(first?.signal.reason).toBe('stopping');
    expect(lifecycle).toEqual(['claimed:', 'ended:released']);
    expect((await admin.tasks.get(task.id)).task).toMatchObject({ status: 'PENDING', attempts: 0, agent: null, excludedAgents: [] });
    const [requeued] = await events.until((items) => ofType('task.requeued')(items).length === 1, 'the release');
    expect(requeued).toBeDefined();
    expect(ofType('task.requeued')(events.items)[0]?.payload).toMatchObject({ reason: 'released', note: 'worker stopped' });
  });

  it("a handler's log lines reach the task's log in order, and task:log carries them live", async () => {
    const live = new Inbox<{ taskId: string; lines: { seq: number; text: string }[] }>();
    admin.on('task:log', live.push);
    await admin.connected();
    const worker = bot.agent('bot').work(
      async ({ log, flushLogs }) => {
        for (let i = 1; i <= 150; i++) log(`line ${i}`);
        log('to stderr', 'stderr');
        await flushLogs();
        log('after the flush');
        return 'logged';
      },
      { heartbeatMs, logger },
    );
    const { task } = await admin.tasks.create({ title: 'Chatty' });
    await events.until((items) => ofType('task.completed')(items).length === 1, 'the completion');
    await worker.stop();
    const page = await admin.tasks.logs(task.id, { limit: 1000 });
    expect(page).toMatchObject({ success: true, count: 152, lastSeq: 152, hasMore: false, truncated: false });
    expect(page.lines.map((l) => l.text)).toEqual([
      ...Array.from({ length: 150 }, (_, i) => `line ${i + 1}`),
      'to stderr',
      'after the flush',
    ]);
    expect(page.lines[150]).toMatchObject({ stream: 'stderr', attempt: 1 });
    await live.until((items) => items.flatMap((m) => m.lines).length === 152, 'every line live');
    expect(live.items.every((m) => m.taskId === task.id)).toBe(true);
    expect(live.items.flatMap((m) => m.lines.map((l) => l.seq))).toEqual(Array.from({ length: 152 }, (_, i) => i + 1));
  });

  it('released(reason, { pauseUntil }) gives the task back, pauses the agent, then resumes and claims again', async () => {
    const calls = new Inbox<number>();
    const worker = bot.agent('bot').work(
      async ({ attempt }) => {
        calls.push(attempt);
        if (calls.items.length === 1) return released('usage limit', { pauseUntil: Date.now() + 700, usage: { turns: 9 } });
        return completed('second time', { turns: 1 });
      },
      { heartbeatMs, logger },
    );
    const { task } = await admin.tasks.create({ title: 'Rate limited' });
    const statusOf = (items: EventView[]) =>
      items.flatMap((e) => (e.type === 'agent.status_changed' && e.agentId === 'bot' ? [e.payload.availability] : []));
    await events.until((items) => statusOf(items).length >= 2, 'paused, then available');
    expect(statusOf(events.items).slice(0, 2)).toEqual(['PAUSED', 'AVAILABLE']);
    await events.until((items) => ofType('task.completed')(items).length === 1, 'the completion after the pause');
    await worker.stop();
    expect(calls.items).toEqual([1, 1]);
    const attempts = (await admin.tasks.attempts(task.id)).attempts;
    expect(attempts.map((a) => [a.outcome, a.reason, a.usage])).toEqual([
      ['released', 'usage limit', { turns: 9 }],
      ['completed', null, { turns: 1 }],
    ]);
    // Paused before the release, available only after it.
    const order = events.items.filter((e) => e.type === 'task.requeued' || e.type === 'agent.status_changed').map((e) => e.type);
    expect(order.slice(0, 3)).toEqual(['agent.status_changed', 'task.requeued', 'agent.status_changed']);
  });
});
