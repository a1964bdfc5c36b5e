import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/core/policy.js';
import { createClient, type EventView, type SwitchboardClient, type WorkLogger } from '../../src/sdk/index.js';
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
      { heartbeatMs, logger, claimRetryMs: 60_000 },
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

  it('stop() lets in-flight work finish and report, across concurrent slots; stop({ abort }) aborts it instead', async () => {
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
    expect((await admin.tasks.get(task.id)).task.status).toBe('IN_PROGRESS');
  });
});
